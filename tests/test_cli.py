"""The command-line contract: commands, options, output formats and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, lint_upgrade_imports

from cairo_upgrade_lint import __version__
from cairo_upgrade_lint.cli import lint_upgrade, main

EXAMPLE = Path(__file__).parent.parent / "examples" / "vault"
BROKEN = FIXTURES / "syntax" / "invalid" / "missing_semicolon.cairo"
VALID = FIXTURES / "syntax" / "valid" / "constructs.cairo"


def invoke(command, args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("sub", ["diff", "check", "layout", "rules", "explain"])
def test_every_subcommand_has_help(sub: str) -> None:
    result = invoke(main, [sub, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_group_and_lint_upgrade_help_and_version() -> None:
    assert "diff" in invoke(main, ["--help"]).output
    assert "OLD" in invoke(lint_upgrade, ["--help"]).output
    assert __version__ in invoke(main, ["--version"]).output
    assert __version__ in invoke(lint_upgrade, ["--version"]).output


@pytest.mark.parametrize(
    "args",
    [
        ["check", "/no/such/file.cairo"],
        ["diff", "/no/such/old.cairo", VALID],
        ["layout", "/no/such/dir"],
    ],
)
def test_missing_paths_exit_2_with_one_line_naming_the_path(args: list[str]) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "/no/such/" in lines[0] and "Traceback" not in result.output


def test_usage_errors_exit_2() -> None:
    assert CliRunner().invoke(main, ["check", str(VALID), "--format", "xml"]).exit_code == 2
    assert CliRunner().invoke(main, ["check"]).exit_code == 2
    assert CliRunner().invoke(lint_upgrade, [str(VALID), str(VALID), "--contract", "=B"]).exit_code == 2
    assert CliRunner().invoke(main, ["explain", "CUL999"]).exit_code == 2


def test_syntax_error_is_a_cul000_finding_and_fails() -> None:
    result = invoke(main, ["check", BROKEN, "--no-color"])
    assert result.exit_code == 1
    assert "CUL000" in result.output and "missing_semicolon.cairo:9:9" in result.output


def test_fail_on_and_ignore_change_the_exit_code() -> None:
    assert invoke(main, ["check", BROKEN, "--fail-on", "never"]).exit_code == 0
    assert invoke(main, ["check", BROKEN, "--ignore", "CUL000"]).exit_code == 0
    assert invoke(main, ["check", BROKEN, "--select", "CUL1,CUL2"]).exit_code == 0
    assert invoke(main, ["check", BROKEN, "--select", "CUL000"]).exit_code == 1


def test_other_files_are_still_reported_next_to_an_input_error(tmp_path: Path) -> None:
    binary = tmp_path / "blob.cairo"
    binary.write_bytes(b"\x00\x01\x02binary")
    result = CliRunner().invoke(main, ["check", str(binary), str(BROKEN), "--format", "json"])
    assert result.exit_code == 2
    assert "blob.cairo" in result.stderr and "binary" in result.stderr
    report = json.loads(result.stdout)
    assert [f["rule_id"] for f in report["findings"]] == ["CUL000"]


def test_json_sarif_and_github_formats(tmp_path: Path) -> None:
    report = json.loads(invoke(main, ["check", BROKEN, "--format", "json"]).output)
    assert report["version"] == 1 and report["findings"][0]["location"]["line"] == 9
    sarif = json.loads(invoke(main, ["check", BROKEN, "--format", "sarif"]).output)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"][0]["ruleId"] == "CUL000"
    github = invoke(main, ["check", BROKEN, "--format", "github"]).output
    assert github.startswith("::error file=") and "title=CUL000" in github


def test_output_writes_the_report_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = invoke(main, ["check", BROKEN, "--format", "sarif", "--output", target])
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(target.read_text())["runs"][0]["tool"]["driver"]["name"] == "cairo-upgrade-lint"


def test_invalid_config_is_an_input_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("select = [\n")
    result = CliRunner().invoke(main, ["check", str(VALID), "--config", str(config)])
    assert result.exit_code == 2 and "bad.toml" in result.stderr and "invalid TOML" in result.stderr


def test_config_file_is_discovered_and_applied(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cairo-upgrade-lint]\nignore = ["CUL000"]\n')
    broken = tmp_path / "broken.cairo"
    broken.write_bytes(BROKEN.read_bytes())
    assert invoke(main, ["check", broken]).exit_code == 0


def test_rules_and_explain_render_the_catalogue() -> None:
    table = invoke(main, ["rules"]).output
    assert "CUL000" in table and "parse-error" in table
    text = invoke(main, ["explain", "cul000"]).output
    assert "WHY IT MATTERS" in text
    assert invoke(main, ["explain", "parse-error", "--markdown"]).output.startswith("# CUL000")


def test_real_subprocess_exit_codes_and_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    run = [sys.executable, "-c", "from cairo_upgrade_lint.cli import console_main; console_main()"]
    ok = subprocess.run([*run, "check", str(VALID)], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*run, "check", str(tmp_path / "missing")], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "missing" in bad.stderr
    script = subprocess.run(
        [sys.executable, "-m", "cairo_upgrade_lint", "check", str(BROKEN)], capture_output=True, text=True, env=env
    )
    assert script.returncode == 1 and "CUL000" in script.stdout


def test_importing_the_cli_leaves_the_cycle_collector_on() -> None:
    code = "import gc, cairo_upgrade_lint.cli; print(gc.isenabled())"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "True\n"


def test_a_single_file_run_imports_none_of_the_costly_modules(tmp_path: Path) -> None:
    """The start-up budget (README, performance section): a run on a pair of plain files imports none
    of these; each cost 3-18 M instructions of a 300 M run (callgrind)."""
    costly = ["pathlib", "dataclasses", "glob", "tomllib", "json", "pickle", "subprocess", "tempfile",
              "hashlib", "concurrent.futures", "networkx", "Crypto", "importlib.metadata"]  # fmt: skip
    contract = "#[starknet::contract]\nmod c {\n    #[storage]\n    struct Storage {\n        count: u64,\n    }\n}\n"
    old, new = tmp_path / "counter.cairo", tmp_path / "counter_v2.cairo"
    old.write_text(contract)
    new.write_text(contract.replace("count: u64,", "count: u64,\n        step: u64,"))
    stdout, loaded = lint_upgrade_imports([str(old), str(new), "--no-cache"], costly, cwd=tmp_path)
    assert "No problems found" in stdout and loaded == []
