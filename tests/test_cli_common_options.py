"""The common options on every command: `--no-color` everywhere, and `--format`, `--output`,
`--config`, `--select`/`--ignore` wherever they mean something; each is accepted and honoured."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cairo_upgrade_lint.cli import lint_upgrade, main

ROOT = Path(__file__).resolve().parent.parent
VAULT = ROOT / "examples" / "vault"
ACCOUNT = Path(__file__).parent / "fixtures" / "audit" / "account" / "ok.cairo"
ANALYSING = {"--no-color", "--format", "--output", "--config", "--select", "--ignore"}
EXPECTED = {
    "diff": ANALYSING,
    "check": ANALYSING,
    "audit": ANALYSING,
    "layout": {"--no-color", "--format", "--output", "--config"},
    "snapshot": {"--no-color", "--output", "--config"},
    "rules": {"--no-color", "--format", "--output", "--select", "--ignore"},
    "explain": {"--no-color", "--output"},
}


def options_of(command: click.Command) -> set[str]:
    return {name for p in command.params if isinstance(p, click.Option) for name in p.opts}


def invoke(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_command_is_covered() -> None:
    assert set(EXPECTED) == set(main.commands)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_command_declares_the_common_options(name: str) -> None:
    assert options_of(main.commands[name]) >= EXPECTED[name]
    assert "--no-color" in invoke(name, "--help").output


def test_lint_upgrade_declares_the_same_options_as_diff() -> None:
    assert options_of(lint_upgrade) - {"--version"} == options_of(main.commands["diff"])


def test_shared_options_have_one_help_text() -> None:
    """The declarations are shared, not copies: every command describes --no-color and --config alike."""
    for option in ("--no-color", "--config"):
        helps = {p.help for c in main.commands.values() for p in c.params if isinstance(p, click.Option) and option in p.opts}
        assert len(helps) == 1, (option, helps)


def test_diff_and_check_accept_no_color() -> None:
    contract = VAULT / "v2.cairo"
    for args in (["check", contract], ["diff", contract, contract]):
        result = invoke(*args, "--no-color", "--no-cache")
        assert result.exit_code in (0, 1) and "\x1b[" not in result.output, result.output
    result = CliRunner().invoke(lint_upgrade, [str(contract), str(contract), "--no-color", "--no-cache"])
    assert result.exit_code == 0 and "\x1b[" not in result.output


def test_audit_with_no_color_config_select_and_output(tmp_path: Path) -> None:
    config, report = tmp_path / "cul.toml", tmp_path / "report.json"
    config.write_text("")
    result = invoke("audit", ACCOUNT, "--no-color", "--config", config, "--select", "CUL55", "--ignore", "CUL554",
                    "--format", "json", "-o", report)  # fmt: skip
    assert result.exit_code == 0, result.output
    ids = {r["id"] for r in json.loads(report.read_text())["audit"]["requirements"]}
    assert ids == {"CUL551", "CUL552", "CUL553"}


@pytest.mark.parametrize("command", [["layout", VAULT], ["snapshot", VAULT], ["audit", VAULT]])
def test_config_is_read(command: list[object], tmp_path: Path) -> None:
    result = invoke(*command, "--no-color", "--config", tmp_path / "missing.toml")
    assert result.exit_code == 2 and "missing.toml" in result.output


def test_layout_with_no_color_format_and_output(tmp_path: Path) -> None:
    out = tmp_path / "layout.json"
    result = invoke("layout", VAULT, "--no-color", "--format", "json", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(out.read_text())["contracts"]


def test_snapshot_with_no_color_and_output(tmp_path: Path) -> None:
    lock = tmp_path / "upgrade-layout.lock.json"
    result = invoke("snapshot", VAULT, "--no-color", "-o", lock)
    assert result.exit_code == 0 and json.loads(lock.read_text())


def test_rules_select_ignore_and_json(tmp_path: Path) -> None:
    text = invoke("rules", "--no-color", "--select", "CUL55").output.splitlines()
    assert [line.split()[0] for line in text[1:]] == ["CUL551", "CUL552", "CUL553", "CUL554"]
    out = tmp_path / "rules.json"
    assert invoke("rules", "--select", "CUL55,CUL000", "--ignore", "CUL553", "--format", "json", "-o", out).exit_code == 0
    rows = json.loads(out.read_text())
    assert [r["id"] for r in rows] == ["CUL000", "CUL551", "CUL552", "CUL554"]
    assert set(rows[0]) == {"id", "name", "severity", "confidence", "summary"}


def test_explain_with_no_color_and_output(tmp_path: Path) -> None:
    out = tmp_path / "CUL551.md"
    result = invoke("explain", "CUL551", "--no-color", "--markdown", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text().startswith("# CUL551")
