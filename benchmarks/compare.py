"""Two or more builds of the tool timed side by side: the runs of each figure alternate between
the builds, so that a machine whose speed drifts (or that other work shares) affects them alike.
Each run is a fresh interpreter; wall time and CPU time (user + system, of the process and its
children) are reported, best and median. CPU time is the steadier figure on a busy machine.

A build is LABEL=FOLDER: FOLDER is put first on PYTHONPATH (a checkout, or ``git archive`` of a
commit unpacked somewhere), and the tool is started through its ``lint-upgrade`` console entry
point (or, for a build that has none, ``cli.lint_upgrade``).
Usage: python benchmarks/compare.py base=/tmp/base new=. [--tree OZ_FOLDER] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
COUNTER = ROOT / "tests" / "fixtures" / "compiler" / "counter.cairo"
START = "from cairo_upgrade_lint import cli\nentry = getattr(cli, 'console_lint_upgrade', None) or cli.lint_upgrade\nentry()"


def run(folder: Path, args: list[str], work: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``lint-upgrade ARGS`` with ``folder`` first on PYTHONPATH."""
    env = {**os.environ, "PYTHONPATH": str(folder), "PYTHONPYCACHEPREFIX": str(work / "pyc" / folder.name)}
    env["CAIRO_UPGRADE_LINT_CACHE"] = str(work / "cache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode is compiled once, as an installed package has it
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = perf_counter()
    subprocess.run([sys.executable, "-c", START, *args], env=env, cwd=work, stdout=subprocess.DEVNULL, check=False)
    wall = perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("builds", nargs="+", help="LABEL=FOLDER")
    cli.add_argument("--tree", type=Path, help="also compare this folder with itself (--include-tests, --jobs 1 and 2)")
    cli.add_argument("--rounds", type=int, default=3, help="rounds; a round runs the single contract 5 times per build")
    args = cli.parse_args()
    builds = [(label, Path(folder).resolve()) for label, _, folder in (b.partition("=") for b in args.builds)]
    with tempfile.TemporaryDirectory(prefix="cul-compare-") as folder:
        work = Path(folder)
        new = work / "counter_v2.cairo"
        new.write_text(COUNTER.read_text().replace("count: u64,", "count: u64,\n        step: u64,"))
        figures = {"single contract": ([str(COUNTER), str(new), "--no-cache"], 5)}
        if args.tree:
            for jobs in ("1", "2"):
                figures[f"tree --jobs {jobs}"] = ([str(args.tree)] * 2 + ["--no-cache", "--include-tests", "--jobs", jobs], 1)
        for _, path in builds:  # compiles the bytecode
            run(path, figures["single contract"][0], work)
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            for figure, (cli_args, repeat) in figures.items():
                for label, path in builds:
                    times.setdefault((figure, label), []).extend(run(path, cli_args, work) for _ in range(repeat))
        for (figure, label), runs in times.items():
            wall, cpu = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"{figure:16} {label:10} wall best {min(wall) * 1000:7.0f} ms, median {statistics.median(wall) * 1000:7.0f} ms;"
                f" cpu best {min(cpu) * 1000:7.0f} ms, median {statistics.median(cpu) * 1000:7.0f} ms (n={len(runs)})"
            )


if __name__ == "__main__":
    main()
