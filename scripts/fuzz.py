"""Long fuzz run over the parser, the model build and the rules (check and diff).

Inputs are seed files (the test fixtures, the examples, and any --corpus folder) mutated at byte,
token and line level, random bytes, and deep nesting. Every input is parsed, built into a project,
checked, and diffed against its seed. A crash or a hang (--timeout) saves a reproducer and its
traceback under --out; the run prints inputs/s and the crashes found.

Usage: python scripts/fuzz.py [--count 100000] [--seconds S] [--seed N] [--corpus DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import random
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.diff import diff_projects
from cairo_upgrade_lint.findings import Finding
from cairo_upgrade_lint.model import Project, Sources, build
from cairo_upgrade_lint.model.loading import CrateSource, SourceModule
from cairo_upgrade_lint.rules.registry import check_contracts, check_diff
from cairo_upgrade_lint.semantics.context import Context
from cairo_upgrade_lint.syntax import parse

ROOT = Path(__file__).resolve().parent.parent
TOKENS = [
    b"fn", b"mod", b"impl", b"of", b"let", b"if", b"else", b"match", b"{", b"}", b"(", b")", b"[", b"]",
    b"<", b">", b";", b",", b":", b"::", b"=>", b"->", b"=", b"+", b"-", b"*", b"@", b"!", b"#", b"|",
    b"&&", b"..", b"?", b"x", b"self", b"ref", b"mut", b"1_u8", b"'s'", b'"b"', b"//c\n", b"struct",
    b"enum", b"use", b"pub", b"_", b"#[storage]", b"#[external(v0)]", b"#[starknet::contract]",
    b"Map<felt252, u8>", b"LegacyMap", b"u256", b"ContractAddress", b"replace_class_syscall(x)",
    b"self.owner.read()", b".write(1)", b"\xef\xbb\xbf", b"\r\n", b"\xe2\x82\xac", b"\"", b"'", b"\\",
]  # fmt: skip


class Hang(Exception):
    """An input took longer than the per-input timeout."""


def seeds(corpus: list[Path]) -> list[bytes]:
    """The seed files: fixtures, examples and the given folders."""
    folders = [ROOT / "tests" / "fixtures", ROOT / "examples", *corpus]
    return [p.read_bytes() for folder in folders for p in sorted(folder.rglob("*.cairo"))]


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A few random byte, token, line and splice edits of ``data``."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(out))
        action = rng.randrange(7)
        if action == 0:
            del out[at : at + rng.randint(1, 64)]
        elif action == 1:
            out[at:at] = rng.randbytes(rng.randint(1, 8))
        elif action == 2:
            out[at:at] = out[at : at + rng.randint(1, 200)]
        elif action == 3:
            out[at:at] = rng.choice(TOKENS)
        elif action == 4:
            other = rng.choice(pool)
            start = rng.randint(0, len(other))
            out[at:at] = other[start : start + rng.randint(1, 400)]
        elif action == 5:
            lines = bytes(out).splitlines(keepends=True) or [b""]
            lines.insert(rng.randrange(len(lines)), lines.pop(rng.randrange(len(lines))))
            out = bytearray(b"".join(lines))
        else:
            depth = rng.choice([10, 150, 199, 201, 1000])
            opener, closer = rng.choice([(b"(", b")"), (b"{", b"}"), (b"[", b"]"), (b"a + ", b""), (b"", b".f()")])
            out[at:at] = opener * depth + b"1" + closer * depth
    return bytes(out)


def generate(rng: random.Random, pool: list[bytes]) -> tuple[bytes, bytes]:
    """(seed, input): usually a mutated seed; sometimes random bytes or token soup."""
    seed = rng.choice(pool)
    kind = rng.random()
    if kind < 0.05:
        return seed, rng.randbytes(rng.randint(0, 2000))
    if kind < 0.10:
        return seed, b" ".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 300)))
    return seed, mutate(rng, seed, pool)


def project_of(data: bytes, path: str) -> Project:
    """Parse and build one file as the single-file loader does (without touching the disk)."""
    tree = parse(data, path)
    crate = CrateSource("fuzz", "file", ".", (SourceModule((), tree),))
    return build(Sources(path, (crate,), (), {path: data}))


@functools.cache
def seed_project(seed: bytes) -> Project:
    return project_of(seed, "old.cairo")


def analyse(seed: bytes, data: bytes) -> list[Finding]:
    """Everything the CLI does short of the report: build, check, diff against the seed."""
    catalogue, config = load_catalogue(), Config()
    old, new = seed_project(seed), project_of(data, "new.cairo")
    single = check_contracts(new.contracts, Context(new, config, catalogue))
    return single + check_diff(diff_projects(old, new), Context(new, config, catalogue, old=old))


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang("input took longer than the timeout")


def run_one(seed: bytes, data: bytes, timeout: int) -> BaseException | None:
    """Analyse one input; the exception it raised (or a Hang), else None."""
    signal.alarm(timeout)
    try:
        analyse(seed, data)
    except (Exception, RecursionError, Hang) as error:
        return error
    finally:
        signal.alarm(0)
    return None


def save(out: Path, seed: bytes, data: bytes, error: BaseException) -> str:
    """Write the reproducer (old/new files and the traceback); return its crash signature."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    signature = f"{type(error).__name__} at {where}"
    name = hashlib.sha256(data).hexdigest()[:12]
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.old.cairo").write_bytes(seed)
    (out / f"{name}.new.cairo").write_bytes(data)
    (out / f"{name}.txt").write_text(f"{signature}\n\n{''.join(traceback.format_exception(error))}")
    return signature


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--count", type=int, default=100_000, help="inputs to try")
    cli.add_argument("--seconds", type=float, default=None, help="stop after this long")
    cli.add_argument("--seed", type=int, default=0, help="random seed (a run is reproducible)")
    cli.add_argument("--corpus", type=Path, action="append", default=[], help="more seed folders")
    cli.add_argument("--out", type=Path, default=Path("fuzz-crashes"), help="where reproducers go")
    cli.add_argument("--timeout", type=int, default=20, help="seconds one input may take")
    args = cli.parse_args(argv)
    rng, pool = random.Random(args.seed), seeds(args.corpus)
    signal.signal(signal.SIGALRM, _alarm)
    crashes: dict[str, int] = {}
    started = time.perf_counter()
    done = 0
    while done < args.count and (args.seconds is None or time.perf_counter() - started < args.seconds):
        seed, data = generate(rng, pool)
        error = run_one(seed, data, args.timeout)
        done += 1
        if error is not None:
            signature = save(args.out, seed, data, error)
            crashes[signature] = crashes.get(signature, 0) + 1
        if done % 1000 == 0:
            _progress(done, started, crashes, sys.stderr.write)
    _progress(done, started, crashes, sys.stdout.write)
    for signature, count in sorted(crashes.items()):
        print(f"  {count:6} x {signature}")
    return 1 if crashes else 0


def _progress(done: int, started: float, crashes: dict[str, int], write: Callable[[str], object]) -> None:
    elapsed = time.perf_counter() - started
    write(f"inputs={done} seconds={elapsed:.0f} inputs/s={done / max(elapsed, 1e-9):.1f} "
          f"crashes={sum(crashes.values())} distinct={len(crashes)}\n")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
