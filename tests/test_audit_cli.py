"""`cairo-upgrade-lint audit`: the reference system passes every profile; reports, exit codes,
policy options, the design view and the upgrade graph."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_sarif import VALIDATOR

from cairo_upgrade_lint.audit import PROFILES, REQUIREMENT_IDS
from cairo_upgrade_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
FIXTURES = Path(__file__).parent / "fixtures" / "audit"


def audit(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["audit", *(str(a) for a in args)], catch_exceptions=False)


def checklist(*args: object) -> dict:
    result = audit(*args, "--format", "json")
    return json.loads(result.stdout)["audit"]


def statuses(section: dict) -> dict[tuple[str, str | None], str]:
    return {(r["id"], r["contract"]): r["status"] for r in section["requirements"]}


@pytest.fixture
def broken_rollback(tmp_path: Path) -> Path:
    """The rollback fixture with a resume the guardian can call (CUL514 fails)."""
    source = (FIXTURES / "rollback" / "ok.cairo").read_text()
    guard = "        assert(get_caller_address() == self.governance.read(), 'not governance');\n        self.paused.write(false);"
    assert guard in source
    path = tmp_path / "vault.cairo"
    path.write_text(source.replace(guard, "        self.assert_guardian_or_governance();\n        self.paused.write(false);"))
    return path


def test_help() -> None:
    result = audit("--help")
    assert (
        result.exit_code == 0
        and "--type [proxy-pattern|diamond-pattern|governance|migration|rollback|account|all]" in " ".join(result.stdout.split())
    )


def test_reference_contracts_pass_every_profile() -> None:
    result = audit(CONTRACTS, "--type", "all")
    assert result.exit_code == 0, result.stdout
    section = checklist(CONTRACTS, "--type", "all")
    by_profile = {r["profile"]: set() for r in section["requirements"]}
    for r in section["requirements"]:
        by_profile[r["profile"]].add(r["status"])
    assert by_profile.pop("account") == {"not-found"}  # the reference system has no account
    assert set().union(*by_profile.values()) == {"pass"}
    contracts = {(r["profile"], r["contract"]) for r in section["requirements"]}
    assert contracts >= {
        ("proxy-pattern", "LedgerProxy"),
        ("diamond-pattern", "Router"),
        ("governance", "Governance"),
        ("migration", "ExchangeV2"),
        ("rollback", "ExchangeV1"),
        ("rollback", "ExchangeV2"),
    }
    assert {r["id"] for r in section["requirements"]} == REQUIREMENT_IDS


def test_text_report_shows_status_evidence_and_fix(broken_rollback: Path) -> None:
    result = audit(broken_rollback, "--type", "rollback")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    failed = next(i for i, line in enumerate(lines) if line.strip().startswith("FAIL"))
    assert "CUL514 resume is governance-only" in lines[failed]
    assert "`guardian`" in lines[failed + 1] and "can also pause" in lines[failed + 1]
    assert any(f"{broken_rollback.name}:" in line for line in lines[failed + 2 : failed + 4])
    assert any("fix: Guard `resume`" in line for line in lines[failed:])
    assert lines[-1] == "3 passed, 1 failed, 0 not found"
    assert sum(line.strip().startswith("pass") for line in lines) == 3


def test_json_report_has_findings_and_the_whole_checklist(broken_rollback: Path) -> None:
    result = audit(broken_rollback, "--type", "rollback", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    (finding,) = document["findings"]
    assert finding["rule_id"] == "CUL514" and finding["rule_name"] == "rollback-resume-not-governance-only"
    assert finding["properties"] == {
        "contract": "Vault",
        "profile": "rollback",
        "requirement": "resume is governance-only",
    }
    assert finding["location"]["path"].endswith("vault.cairo") and finding["fix"]
    section = document["audit"]
    assert section["summary"] == {"pass": 3, "fail": 1, "not-found": 0}
    assert section["policy"] == {
        "timelock_min_seconds": 172800,
        "multisig_threshold_min": 3,
        "multisig_signers_min": 5,
    }
    failed = next(r for r in section["requirements"] if r["status"] == "fail")
    assert failed["evidence"] and all({"path", "line", "column", "note"} <= set(e) for e in failed["evidence"])
    passed = next(r for r in section["requirements"] if r["status"] == "pass")
    assert passed["fix"] is None and passed["evidence"]


def test_sarif_report_is_valid_and_names_the_requirement(broken_rollback: Path) -> None:
    result = audit(broken_rollback, "--type", "rollback", "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert list(VALIDATOR.iter_errors(log)) == []
    run = log["runs"][0]
    (sarif_result,) = run["results"]
    assert sarif_result["ruleId"] == "CUL514"
    assert run["automationDetails"]["id"] == "cairo-upgrade-lint/audit/"
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert rules >= REQUIREMENT_IDS


def test_sarif_of_a_passing_audit_is_valid_and_empty() -> None:
    log = json.loads(audit(CONTRACTS, "--format", "sarif").stdout)
    assert list(VALIDATOR.iter_errors(log)) == [] and log["runs"][0]["results"] == []


def test_profile_without_a_contract_is_not_found_and_does_not_fail() -> None:
    result = audit(FIXTURES / "rollback" / "ok.cairo", "--type", "proxy-pattern")
    assert result.exit_code == 0
    assert "proxy-pattern: not found: no proxy" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed, 4 not found"


def test_contract_option_audits_that_contract_against_the_profile() -> None:
    section = checklist(CONTRACTS, "--type", "governance", "--contract", "EmergencyCouncil")
    assert {r["contract"] for r in section["requirements"]} == {"EmergencyCouncil"}
    assert statuses(section)[("CUL504", "EmergencyCouncil")] == "fail"  # no cancel


@pytest.mark.parametrize(
    ("option", "value", "failing"),
    [
        ("--timelock-min-seconds", "259200", "CUL502"),
        ("--multisig-threshold-min", "4", "CUL501"),
        ("--multisig-signers-min", "7", "CUL501"),
    ],
)
def test_policy_options(option: str, value: str, failing: str) -> None:
    result = audit(CONTRACTS, "--type", "governance", option, value)
    assert result.exit_code == 1
    section = checklist(CONTRACTS, "--type", "governance", option, value)
    assert {r["id"] for r in section["requirements"] if r["status"] == "fail"} == {failing}


def test_policy_from_the_config_file(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "governance" / "ok.cairo", tmp_path / "council.cairo")
    assert audit(tmp_path, "--type", "governance").exit_code == 0
    (tmp_path / ".cairo-upgrade-lint.toml").write_text("timelock-min-seconds = 259200\n")
    result = audit(tmp_path, "--type", "governance")
    assert result.exit_code == 1 and "timelock >= 259200 s (72 h)" in result.stdout


def test_input_and_usage_errors(tmp_path: Path) -> None:
    missing = audit(tmp_path / "missing")
    assert missing.exit_code == 2 and "no such file or directory" in missing.stderr
    unknown = audit(CONTRACTS, "--contract", "Nope")
    assert unknown.exit_code == 2 and "--contract Nope" in unknown.stderr
    assert audit(CONTRACTS, "--type", "nope").exit_code == 2
    assert audit(CONTRACTS, "--graph", "dot", "--format", "json").exit_code == 2
    assert audit(CONTRACTS, "--design", "--format", "sarif").exit_code == 2


def test_syntax_errors_make_the_audit_fail(tmp_path: Path) -> None:
    source = (FIXTURES / "rollback" / "ok.cairo").read_text()
    (tmp_path / "vault.cairo").write_text(source.replace("let len = self.class_history_len.read();", "let len = ;", 1))
    result = audit(tmp_path, "--type", "rollback")
    assert result.exit_code == 1 and "syntax error (the audit may miss code)" in result.stdout


def test_output_option_writes_the_report(tmp_path: Path) -> None:
    target = tmp_path / "audit.json"
    assert audit(CONTRACTS, "--format", "json", "--output", target).exit_code == 0
    assert json.loads(target.read_text())["audit"]["summary"]["fail"] == 0


def test_design_view() -> None:
    result = audit(CONTRACTS, "--design")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"{CONTRACTS}\n")
    assert re.search(r"\n├── ExchangeV2 \(contract, \S*exchange_v2\.cairo:\d+\)  \[migration, rollback\]\n", text)
    assert "│   │   ├── assert_only_governance: proxy_upgrade, proxy_resume" in text
    assert (
        "│   │   ├── governance: authorize_migration, migrate_users, rollback_migration, upgrade, pause, rollback, resume" in text
    )
    # Who can call whose upgrade, rollback, pause and resume; the stop-only powers of one key.
    assert "│   │   ├── assert_only_governance -> proxy_upgrade (upgrade)" in text
    assert "│   │   ├── proxy_emergency -> proxy_rollback (roll back)" in text
    assert "│   │   └── assert_only_governance -> proxy_resume (resume)" in text
    assert "│   │   ├── proxy_emergency alone can roll back (proxy_rollback)" in text
    assert "│   │   └── governance -> resume (resume)" in text
    assert "│   │   └── emergency alone can roll back (rollback)" in text
    assert "│       ├── upgrade -> replace_class_syscall" in text
    assert "deposit -> delegate -> library_call_syscall" in text


def test_design_view_as_json() -> None:
    document = json.loads(audit(CONTRACTS, "--design", "--format", "json").stdout)
    by_name = {c["name"]: c for c in document["contracts"]}
    assert by_name["Router"]["patterns"] == ["diamond-pattern"]
    assert by_name["ExchangeV2"]["roles"]["governance"] == [
        "authorize_migration", "migrate_users", "rollback_migration", "upgrade", "pause", "rollback", "resume",
    ]  # fmt: skip
    assert by_name["LedgerProxy"]["governed_by"] == [
        {"authority": "assert_only_governance", "entry_point": "proxy_upgrade", "power": "upgrade"},
        {"authority": "proxy_emergency", "entry_point": "proxy_rollback", "power": "roll back"},
        {"authority": "proxy_governance", "entry_point": "proxy_rollback", "power": "roll back"},
        {"authority": "proxy_emergency", "entry_point": "proxy_pause", "power": "pause"},
        {"authority": "proxy_governance", "entry_point": "proxy_pause", "power": "pause"},
        {"authority": "assert_only_governance", "entry_point": "proxy_resume", "power": "resume"},
    ]
    assert by_name["LedgerProxy"]["single_key_powers"] == [
        {"authority": "proxy_emergency", "entry_point": "proxy_rollback", "power": "roll back"},
        {"authority": "proxy_emergency", "entry_point": "proxy_pause", "power": "pause"},
    ]
    assert by_name["ExchangeV1"]["upgrade_paths"][0] == {
        "entry_point": "upgrade",
        "syscall": "replace_class_syscall",
        "path": ["upgrade"],
    }
    assert set(PROFILES) - {"account"} == {p for c in document["contracts"] for p in c["patterns"]}


def test_graph_dot() -> None:
    result = audit(CONTRACTS, "--graph", "dot")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("digraph upgrade_paths {") and text.rstrip().endswith("}")
    assert 'label="ExchangeV2";' in text and 'label="replace_class_syscall", shape=hexagon' in text
    assert 'label="upgrade\\nguard: governance", shape=box' in text
    assert 'label="dispatch\\nUNGUARDED", shape=box, color=red' in text
    assert "Governance" not in text  # no upgrade path: not in the graph


def test_graph_mermaid_for_one_contract() -> None:
    result = audit(CONTRACTS, "--graph", "mermaid", "--contract", "LedgerProxy")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart LR" and lines[1] == '  subgraph c0["LedgerProxy"]'
    ids = {line.split("[")[0].split("{")[0].strip(): line for line in lines if line.startswith("    n")}
    delegate = next(i for i, line in ids.items() if '"delegate"' in line)
    syscall = next(i for i, line in ids.items() if "library_call_syscall" in line)
    assert f"  {delegate} --> {syscall}" in lines
    assert any(line.startswith("  class ") and line.endswith(" unguarded") for line in lines)


def test_profile_names_listed_without_loading_the_audit_equal_the_profiles() -> None:
    from cairo_upgrade_lint.audit import PROFILE_NAMES
    from cairo_upgrade_lint.audit.checklist import PROFILES

    assert tuple(PROFILES) == PROFILE_NAMES
