"""Peak memory of ``cairo-upgrade-lint check`` on one generated file (default 10 MB).

The CLI runs in a child process; its peak RSS comes from ``getrusage(RUSAGE_CHILDREN)``. With
``--tracemalloc`` the analysis also runs in this process under tracemalloc (slower), printing the
peak of Python allocations and the biggest allocation sites.

Usage: python benchmarks/memory.py [--mb 10] [--tracemalloc] [-- EXTRA CLI OPTIONS]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from generate import big_file


def child_peak(path: Path, extra: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of the CLI on ``path`` in a fresh process."""
    command = [sys.executable, "-m", "cairo_upgrade_lint", "check", str(path), "--no-cache", "--format", "json",
               "-o", str(path.with_suffix(".json")), *extra]  # fmt: skip
    started = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code


def traced_peak(path: Path) -> None:
    """Run load, build and the checks here under tracemalloc and print the peak and top sites."""
    from cairo_upgrade_lint import analysis
    from cairo_upgrade_lint.config import Config

    tracemalloc.start()
    analysis.check([str(path)], analysis.Options(Config(), 1, False))
    current, peak = tracemalloc.get_traced_memory()
    top = tracemalloc.take_snapshot().statistics("lineno")[:8]
    tracemalloc.stop()
    print(f"tracemalloc: peak={peak / 1e6:.0f} MB after={current / 1e6:.0f} MB")
    for stat in top:
        print(f"  {stat}")


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--mb", type=float, default=10.0, help="size of the generated file in MB")
    cli.add_argument("--tracemalloc", action="store_true", help="also trace allocations in-process")
    cli.add_argument("extra", nargs="*", help="extra CLI options (after --)")
    args = cli.parse_args()
    with tempfile.TemporaryDirectory(prefix="cul-memory-") as folder:
        path = Path(folder) / "big.cairo"
        size = big_file(path, int(args.mb * 1e6))
        elapsed, peak, code = child_peak(path, args.extra)
        print(f"file_bytes={size} seconds={elapsed:.1f} peak_rss_mb={peak:.0f} exit={code}")
        if args.tracemalloc:
            traced_peak(path)


if __name__ == "__main__":
    main()
