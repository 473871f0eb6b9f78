"""End-to-end wall times, each in a fresh interpreter as a user runs it:

1. ``check`` and ``lint-upgrade`` on a large tree with ``--jobs 1`` and ``--jobs 2`` (best of
   N): a real project given as ``--tree NEW [--old OLD]``, else generated ~2 MB old/new trees of
   the test fixture pairs, a stress case (a contract per KB; real projects have one per 15-430 KB);
2. a single-contract pre-commit style run (``lint-upgrade old new``, interpreter start-up included,
   best of N), uncached and cached;
3. the same contract compiled by the real Cairo 2.1.0 ``starknet-compile`` (best of N), and the ratio.

Bytecode is compiled once into a temporary PYTHONPYCACHEPREFIX first, as an installed package has it.
``--python`` runs the tool with another interpreter, e.g. that of a venv with a regular (not
editable) install, as users and pre-commit have it: an editable install adds its import hook to
every start.
Usage: python benchmarks/end_to_end.py [--mb 2] [--tree NEW [--old OLD]] [--repeat 5] [--tree-repeat 3]
                                       [--python PY] [--single-only] [-- EXTRA CLI OPTIONS]
(the extra options, e.g. ``--ignore CUL301``, apply to the tree runs).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generate import ROOT, trees

sys.path.insert(0, str(ROOT / "tests"))
from toolchain.compiler import ensure_toolchain

COUNTER = ROOT / "tests" / "fixtures" / "compiler" / "counter.cairo"
LINT_UPGRADE = "from cairo_upgrade_lint.cli import console_lint_upgrade; console_lint_upgrade()"
GROUP = "from cairo_upgrade_lint.cli import console_main; console_main()"


def timed(command: list[str], env: dict[str, str], cwd: Path | None, repeat: int = 1) -> tuple[float, int]:
    """Best wall time of ``command`` over ``repeat`` runs, and its exit code."""
    best, code = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        code = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=False).returncode
        best = min(best, time.perf_counter() - started)
    return best, code


@dataclass(frozen=True)
class Tool:
    """How the tool is started: interpreter, environment, and a working folder that is not the
    checkout (its source folder would shadow an installed package)."""

    python: str
    env: dict[str, str]
    cwd: Path

    def timed(self, script: str, *args: object, repeat: int = 1) -> tuple[float, int]:
        """``timed`` of ``python -c script args``."""
        return timed([self.python, "-c", script, *map(str, args)], self.env, self.cwd, repeat)


def tree_runs(tool: Tool, old: Path, new: Path, size: int, extra: list[str], kind: str, repeat: int) -> None:
    files = sum(1 for _ in new.rglob("*.cairo"))
    print(f"{kind}: {size / 1e6:.2f} MB of Cairo in {files} files, {os.cpu_count()} cores, best of {repeat}")
    for jobs in ("1", "2"):
        check, code = tool.timed(GROUP, "check", new, "--no-cache", "--jobs", jobs, *extra, repeat=repeat)
        print(f"  check --jobs {jobs}: {check:.2f} s (exit {code})")
        diff, code = tool.timed(LINT_UPGRADE, old, new, "--no-cache", "--jobs", jobs, *extra, repeat=repeat)
        print(f"  lint-upgrade --jobs {jobs}: {diff:.2f} s (exit {code})")


def single_contract(tool: Tool, repeat: int) -> float:
    """The pre-commit style run on counter.cairo and a changed copy; returns the uncached time."""
    new = tool.cwd / "counter_v2.cairo"
    new.write_text(COUNTER.read_text().replace("count: u64,", "count: u64,\n        step: u64,"))
    uncached, code = tool.timed(LINT_UPGRADE, COUNTER, new, "--no-cache", repeat=repeat)
    print(f"single contract: lint-upgrade uncached {uncached * 1000:.0f} ms (best of {repeat}, exit {code})")
    tool.timed(LINT_UPGRADE, COUNTER, new)
    cached, _ = tool.timed(LINT_UPGRADE, COUNTER, new, repeat=repeat)
    print(f"single contract: lint-upgrade cached   {cached * 1000:.0f} ms")
    start, _ = tool.timed("pass", repeat=repeat)
    print(f"  (interpreter start-up alone: {start * 1000:.0f} ms)")
    return uncached


def compile_time(work: Path, repeat: int) -> float:
    """Best time of starknet-compile 2.1.0 on counter.cairo in a fresh crate (no build cache)."""
    crate = work / "crate"
    (crate / "src").mkdir(parents=True)
    (crate / "src" / "lib.cairo").write_text(COUNTER.read_text())
    (crate / "cairo_project.toml").write_text('[crate_roots]\nbench = "src"\n')
    compiler = ensure_toolchain()
    command = [str(compiler), str(crate), "-c", "bench::Counter", str(work / "out.json")]
    best, code = timed(command, dict(os.environ), None, repeat)
    print(f"single contract: starknet-compile 2.1.0 {best * 1000:.0f} ms (best of {repeat}, exit {code})")
    return best


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--mb", type=float, default=2.0, help="size of the generated tree")
    cli.add_argument("--tree", type=Path, help="use this folder as the new version instead")
    cli.add_argument("--old", type=Path, help="the old version of --tree (default: --tree itself)")
    cli.add_argument("--repeat", type=int, default=5, help="runs per single-contract figure")
    cli.add_argument("--tree-repeat", type=int, default=3, help="runs per tree figure")
    cli.add_argument("--python", help="interpreter that runs the tool (default: this one)")
    cli.add_argument("--single-only", action="store_true", help="skip the tree runs")
    cli.add_argument("extra", nargs="*", help="extra CLI options for the tree runs (after --)")
    args = cli.parse_args()
    with tempfile.TemporaryDirectory(prefix="cul-e2e-") as folder:
        work = Path(folder)
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pyc"), "CAIRO_UPGRADE_LINT_CACHE": str(work / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        tool = Tool(args.python or sys.executable, env, work)
        if tool.timed(GROUP, "--version")[1]:  # also compiles the bytecode
            sys.exit(f"the tool does not start with {tool.python}")
        if args.single_only:
            pass
        elif args.tree:
            size = sum(p.stat().st_size for p in args.tree.rglob("*.cairo"))
            tree_runs(tool, args.old or args.tree, args.tree, size, args.extra, "tree", args.tree_repeat)
        else:
            kind = "generated stress tree (the test fixture pairs: a contract per KB, real projects have 15-430 KB)"
            tree_runs(tool, *trees(work / "tree", int(args.mb * 1e6)), args.extra, kind, args.tree_repeat)
        lint = single_contract(tool, args.repeat)
        compiled = compile_time(work, max(1, args.repeat // 2))
        print(f"ratio: compiling takes {compiled / lint:.1f}x as long as linting (target >= 20x)")


if __name__ == "__main__":
    main()
