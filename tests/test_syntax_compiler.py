"""The real Cairo 2.1.0 compiler and the parser agree on what is valid Cairo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES
from toolchain import compiler

from cairo_upgrade_lint.syntax import parse

INVALID = sorted((FIXTURES / "syntax" / "invalid").glob("*.cairo"))
COMPILED = [FIXTURES / "compiler" / "counter.cairo", *sorted((FIXTURES / "compiler" / "probes").rglob("*.cairo"))]
_LOCATION = re.compile(r"--> \S+?:(\d+):(\d+)")


@pytest.mark.compiler
def test_the_compilers_own_corelib_parses_cleanly() -> None:
    corelib = compiler.ensure_toolchain().parent.parent / "corelib" / "src"
    files = sorted(corelib.rglob("*.cairo"))
    assert len(files) > 30
    failures = [str(d) for f in files for d in parse(f.read_bytes(), str(f)).diagnostics]
    assert failures == []


@pytest.mark.parametrize("path", COMPILED, ids=lambda p: p.name)
def test_files_the_compiler_accepts_parse_cleanly(path: Path) -> None:
    assert parse(path.read_bytes(), str(path)).diagnostics == ()


@pytest.mark.compiler
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_syntax_errors_are_found_where_the_compiler_finds_them(path: Path) -> None:
    with pytest.raises(compiler.CompileError) as rejected:
        compiler.compile_source(path, "C")
    compiler_line = int(_LOCATION.search(str(rejected.value)).group(1))
    diagnostics = parse(path.read_bytes(), str(path)).diagnostics
    assert diagnostics, f"the compiler rejects {path.name} but the parser accepts it"
    assert compiler_line <= diagnostics[0].span.line <= compiler_line + 1
