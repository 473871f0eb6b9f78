"""Hard inputs through the real CLI: each gives exit 2 with one line naming the path (and position),
or a CUL000 finding for a syntax error, and the other inputs' results are still reported."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES

from cairo_upgrade_lint.cache import ENV as CACHE_ENV
from cairo_upgrade_lint.cli import lint_upgrade, main
from cairo_upgrade_lint.model import loading
from cairo_upgrade_lint.syntax import MAX_NESTING

EXAMPLE = Path(__file__).parent.parent / "examples" / "vault"
BROKEN = FIXTURES / "syntax" / "invalid" / "missing_semicolon.cairo"  # CUL000 at 9:9


def check(*args: object) -> Result:
    """``cairo-upgrade-lint check ARGS --format json --no-cache`` in this process."""
    return CliRunner().invoke(main, ["check", *map(str, args), "--format", "json", "--no-cache"])


def entry(script: str) -> str:
    """Python code that runs a console script: ``main`` (``cairo-upgrade-lint``) or ``lint_upgrade``."""
    return f"from cairo_upgrade_lint.cli import {script}; {script}()"


def run(*args: object, script: str = "main", **env: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter (``script`` is ``main`` or ``lint_upgrade``)."""
    return subprocess.run(
        [sys.executable, "-c", entry(script), *map(str, args)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", **env}, timeout=300, check=False,
    )  # fmt: skip


def findings(stdout: str) -> list[tuple[str, str, int]]:
    """(rule id, file name, line) of every finding of a JSON report."""
    report = json.loads(stdout)
    return [(f["rule_id"], Path(f["location"]["path"]).name, f["location"]["line"]) for f in report["findings"]]


def one_error_line(stderr: str, *words: str) -> str:
    """The single stderr line, which must hold every word; no traceback."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and all(w in lines[0] for w in words), lines[0]
    return lines[0]


def folder_with(tmp_path: Path, name: str, data: bytes) -> Path:
    """A folder holding the broken fixture (one CUL000 finding) and ``name`` with ``data``."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "broken.cairo").write_bytes(BROKEN.read_bytes())
    (folder / name).write_bytes(data)
    return folder


# ---------------------------------------------------------------- input errors: exit 2


def test_missing_path_next_to_a_good_one(tmp_path: Path) -> None:
    result = run("check", tmp_path / "nope.cairo", BROKEN, "--format", "json", "--no-cache")
    assert result.returncode == 2
    one_error_line(result.stderr, "nope.cairo", "no such file or directory")
    assert findings(result.stdout) == [("CUL000", "missing_semicolon.cairo", 9)]
    upgrade = run(tmp_path / "old.cairo", EXAMPLE / "v2.cairo", script="lint_upgrade")
    assert upgrade.returncode == 2
    one_error_line(upgrade.stderr, "old.cairo", "no such file or directory")


@pytest.mark.parametrize("command", ["layout", "snapshot"])
def test_layout_and_snapshot_say_what_they_could_not_read(tmp_path: Path, command: str) -> None:
    """The layout of the readable contracts is still written; each unreadable or broken file gets
    one line naming it (and the position of a syntax error), and the exit code is 2."""
    (tmp_path / "v2.cairo").write_bytes((EXAMPLE / "v2.cairo").read_bytes())
    (tmp_path / "broken.cairo").write_bytes(BROKEN.read_bytes())
    (tmp_path / "blob.cairo").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    result = run(command, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert any("blob.cairo: binary file" in line for line in lines)
    assert any("broken.cairo:9:9: syntax error" in line and "may be incomplete" in line for line in lines)
    assert "Vault" in result.stdout
    clean = run(command, EXAMPLE / "v2.cairo")
    assert (clean.returncode, clean.stderr) == (0, "")


@pytest.mark.parametrize("files", [{}, {"README.md": "# no Cairo here\n", "sub/notes.txt": "x"}])
def test_directory_without_cairo_files(tmp_path: Path, files: dict[str, str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for name, text in files.items():
        (empty / name).parent.mkdir(parents=True, exist_ok=True)
        (empty / name).write_text(text)
    result = check(empty, BROKEN)
    assert result.exit_code == 2
    one_error_line(result.stderr, str(empty), "no .cairo files")
    assert findings(result.stdout) == [("CUL000", "missing_semicolon.cairo", 9)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)), "binary file"),
        ("fn f() {} // caf\xe9\n".encode("latin-1"), "not UTF-8 text (byte 16)"),
        (b"\xff\xfe" + "fn f() {}\n".encode("utf-16-le"), "binary file"),
    ],
)
def test_unusable_file_in_a_folder_is_skipped_and_the_rest_reported(tmp_path: Path, data: bytes, reason: str) -> None:
    folder = folder_with(tmp_path, "blob.cairo", data)
    result = run("check", folder, "--format", "json", "--no-cache")
    assert result.returncode == 2
    one_error_line(result.stderr, str(folder / "blob.cairo"), reason)
    assert findings(result.stdout) == [("CUL000", "broken.cairo", 9)]


def test_unusable_file_given_directly(tmp_path: Path) -> None:
    blob = tmp_path / "blob.cairo"
    blob.write_bytes(b"\x00" * 64)
    result = check(blob, BROKEN)
    assert result.exit_code == 2
    one_error_line(result.stderr, str(blob), "binary file")
    assert findings(result.stdout) == [("CUL000", "missing_semicolon.cairo", 9)]


def _deny(path: Path) -> Callable[..., Any]:
    """``open`` that refuses ``path`` as a chmod 000 file does for a user that is not root."""

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return builtins.open(file, *args, **kwargs)

    return guarded_open


def test_unreadable_file_is_skipped_and_the_rest_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_with(tmp_path, "secret.cairo", b"fn f() {}\n")
    secret = folder / "secret.cairo"
    secret.chmod(0)
    try:
        with open(secret, "rb"):
            enforced = False  # root: permission bits are not enforced; refuse it in the loader
    except PermissionError:
        enforced = True
    if not enforced:
        monkeypatch.setattr(loading, "open", _deny(secret), raising=False)
    result = check(folder)
    secret.chmod(0o644)
    assert result.exit_code == 2
    one_error_line(result.stderr, str(secret), "cannot read: Permission denied")
    assert findings(result.stdout) == [("CUL000", "broken.cairo", 9)]


def test_symlink_loops_neither_hang_nor_crash(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "lib.cairo", b"mod broken;\nmod a;\n")
    (folder / "a.cairo").write_text("mod a;\nfn f() {}\n")
    (folder / "a").symlink_to(folder, target_is_directory=True)  # a/a.cairo is a.cairo again
    (folder / "self.cairo").symlink_to(folder / "self.cairo")
    (folder / "ping.cairo").symlink_to(folder / "pong.cairo")
    (folder / "pong.cairo").symlink_to(folder / "ping.cairo")
    result = run("check", folder, "--format", "json", "--no-cache")
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert sorted(Path(line.split(": ")[2]).name for line in errors) == ["ping.cairo", "pong.cairo", "self.cairo"]
    assert all("symbolic links" in line for line in errors) and "Traceback" not in result.stderr
    assert findings(result.stdout) == [("CUL000", "broken.cairo", 9)]
    looping = check(folder / "self.cairo")
    assert looping.exit_code == 2
    one_error_line(looping.stderr, "self.cairo", "broken or looping symbolic link")


def test_invalid_scarb_toml_names_path_line_and_column(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "src").mkdir(parents=True)
    (package / "src" / "lib.cairo").write_text("fn f() {}\n")
    (package / "Scarb.toml").write_text('[package]\nname = "pkg"\nversion = 0.1.0\n')
    result = check(package, BROKEN)
    assert result.exit_code == 2
    one_error_line(result.stderr, str(package / "Scarb.toml"), "invalid TOML", "line 3, column 14")
    assert findings(result.stdout) == [("CUL000", "missing_semicolon.cairo", 9)]


# ---------------------------------------------------------------- text that must parse


def test_utf8_bom_parses_like_the_same_file_without_it(tmp_path: Path) -> None:
    with_bom = tmp_path / "v2.cairo"
    with_bom.write_bytes(b"\xef\xbb\xbf" + (EXAMPLE / "v2.cairo").read_bytes())
    plain = CliRunner().invoke(lint_upgrade, [str(EXAMPLE / "v1.cairo"), str(EXAMPLE / "v2.cairo"), "--format", "json"])
    bom = CliRunner().invoke(lint_upgrade, [str(EXAMPLE / "v1.cairo"), str(with_bom), "--format", "json"])
    assert bom.exit_code == plain.exit_code == 1
    assert findings(bom.stdout) == findings(plain.stdout) != []
    assert "CUL000" not in bom.stdout


def test_crlf_line_endings_give_the_same_findings_as_lf(tmp_path: Path) -> None:
    suppressed = "        let y = 2; // cairo-upgrade-lint: allow(CUL000) the reason ends at a CR\n"
    for ending in ("lf", "crlf"):
        folder = tmp_path / ending
        folder.mkdir()
        texts = {
            "v1.cairo": (EXAMPLE / "v1.cairo").read_text(),
            "v2.cairo": (EXAMPLE / "v2.cairo").read_text(),
            "broken.cairo": BROKEN.read_text(),
            "allowed.cairo": BROKEN.read_text().replace("        let y = 2;\n", suppressed),
        }
        for name, text in texts.items():
            (folder / name).write_bytes(text.replace("\n", "\r\n" if ending == "crlf" else "\n").encode())
    reports = {}
    for ending in ("lf", "crlf"):
        folder = tmp_path / ending
        upgrade = run(folder / "v1.cairo", folder / "v2.cairo", "--format", "json", script="lint_upgrade")
        checked = check(folder / "broken.cairo", folder / "allowed.cairo")
        assert upgrade.returncode == checked.exit_code == 1
        reports[ending] = [json.loads(r.replace(str(folder), "DIR"))["findings"] for r in (upgrade.stdout, checked.stdout)]
    assert reports["crlf"] == reports["lf"]
    assert reports["lf"][0] and [f["rule_id"] for f in reports["lf"][1]] == ["CUL000"]


def test_ten_megabyte_file_finishes_and_reports(tmp_path: Path) -> None:
    """A realistic contract repeated as 4,700 modules, one of them broken, checked as a user runs
    the tool (its console entry point tunes the cycle collector)."""
    body = (EXAMPLE / "v2.cairo").read_text()
    copies = [f"mod copy_{i} {{\n{body}}}\n" for i in range(10_000_000 // len(body) + 1)]
    copies[7] = copies[7].replace("{\n", "{ let\n", 1)
    big = tmp_path / "big.cairo"
    big.write_text("".join(copies))
    report = tmp_path / "report.json"
    options = ["--format", "json", "-o", str(report), "--no-cache"]
    result = subprocess.run(
        [sys.executable, "-m", "cairo_upgrade_lint", "check", str(big), *options], capture_output=True, text=True
    )
    assert big.stat().st_size >= 10_000_000
    assert result.returncode == 1, result.stderr
    found = json.loads(report.read_text())
    assert found["summary"]["files_analysed"] == 1
    broken = [f["location"]["line"] for f in found["findings"] if f["rule_id"] == "CUL000"]
    assert broken == [7 * copies[0].count("\n") + 1]


def test_a_local_defined_through_itself_is_analysed(tmp_path: Path) -> None:
    """Found by scripts/fuzz.py: following ``let a = g(a);`` into the call's arguments recursed forever."""
    path = tmp_path / "loop.cairo"
    path.write_text(
        "#[starknet::contract]\nmod Loop {\n    #[storage]\n    struct Storage {\n        value: felt252,\n    }\n\n"
        "    fn g(x: felt252) -> felt252 {\n        x\n    }\n\n    #[external(v0)]\n"
        "    fn set(ref self: ContractState) {\n        let a = g(a);\n        self.value.write(a + 1);\n    }\n}\n"
    )
    result = check(path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["files_analysed"] == 1


# ---------------------------------------------------------------- syntax errors: CUL000


@pytest.mark.parametrize(
    "nested",
    ["(" * 10_000 + "1" + ")" * 10_000, "{" * 10_000 + "}" * 10_000, "a + " * 10_000 + "1", "x" + ".f()" * 10_000],
)
def test_ten_thousand_deep_nesting_is_a_cul000_finding(tmp_path: Path, nested: str) -> None:
    deep = tmp_path / "deep.cairo"
    deep.write_text(f"// deep\nfn f() {{\n    let x = {nested};\n}}\nfn after( {{}}\n")
    result = check(deep)
    assert result.exit_code == 1
    report = json.loads(result.stdout)["findings"]
    assert [(f["message"], f["location"]["line"]) for f in report] == [
        (f"nesting deeper than {MAX_NESTING} levels", 3),
        ("expected parameter name, found '{'", 5),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('    let s = "never closed;', "unterminated string"),
        ("    let s = 'never closed;", "unterminated short string"),
    ],
)
def test_unterminated_strings_are_cul000_at_their_line(tmp_path: Path, line: str, message: str) -> None:
    source = tmp_path / "open.cairo"
    source.write_text(f"fn f() {{\n    let a = 1;\n{line}\n}}\n\nfn g() {{}}\n")
    result = run("check", source, BROKEN, "--format", "json", "--no-cache")
    assert result.returncode == 1 and result.stderr == ""
    report = json.loads(result.stdout)["findings"]
    first = next(f for f in report if f["location"]["path"].endswith("open.cairo"))
    assert (first["rule_id"], first["message"], first["location"]["line"], first["location"]["column"]) == (
        "CUL000",
        message,
        3,
        13,
    )
    assert ("CUL000", "missing_semicolon.cairo", 9) in findings(result.stdout)


def test_comments_cut_off_at_end_of_file_or_in_c_style(tmp_path: Path) -> None:
    """Cairo has only ``//`` comments: one running to the end of the file (no newline) is fine; a C
    block comment is not Cairo and is reported where it starts, the rest of the file still parsed."""
    tail = tmp_path / "tail.cairo"
    tail.write_bytes(b"fn f() {}\n// ends without a newline")
    block = tmp_path / "block.cairo"
    block.write_text("fn f() {}\n/* never closed\nfn g() {}\n")
    result = check(tail, block)
    assert result.exit_code == 1, result.output
    assert [(r, name, line) for r, name, line in findings(result.stdout)] == [("CUL000", "block.cairo", 2)]


# ---------------------------------------------------------------- side effects


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``root``, with size and modification time for files."""
    return {
        str(path.relative_to(root)): (0, 0) if path.is_dir() else (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in root.rglob("*")
    }


def test_writes_only_the_output_file_and_the_cache(tmp_path: Path) -> None:
    inputs, home, cache, work, temp = (tmp_path / n for n in ("inputs", "home", "cache", "work", "tmp"))
    for folder in (inputs, home, work, temp):
        folder.mkdir()
    for name in ("v1.cairo", "v2.cairo"):
        (inputs / name).write_bytes((EXAMPLE / name).read_bytes())
    (inputs / "broken.cairo").write_bytes(BROKEN.read_bytes())
    env = {"HOME": str(home), CACHE_ENV: str(cache), "XDG_CACHE_HOME": str(home / ".cache"), "TMPDIR": str(temp)}
    before = _listing(tmp_path)
    output = work / "report.sarif"
    commands = [
        ("main", ["check", inputs, "--format", "sarif", "-o", output]),
        ("main", ["check", inputs, "--jobs", "2"]),
        ("lint_upgrade", [inputs / "v1.cairo", inputs / "v2.cairo", "-o", output]),
        ("lint_upgrade", [inputs, inputs, "--jobs", "2"]),  # the old version built in a forked child
        ("main", ["layout", inputs / "v2.cairo", "--format", "json", "-o", output]),
    ]
    for script, args in commands:
        result = subprocess.run(
            [sys.executable, "-c", entry(script), *map(str, args)],
            capture_output=True, text=True, env={**os.environ, **env}, cwd=work, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr
    after = _listing(tmp_path)
    changed = {p for p in after if before.get(p) != after[p]}
    assert {p for p in changed if not p.startswith("cache")} == {"work/report.sarif"}
