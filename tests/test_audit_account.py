"""Accounts are judged by the account profile only: other profiles list them as not applicable, and
the account requirements accept what real accounts do (hooks refused by the protocol entry points,
run once, or self-only; an upgrade that takes no parameter). The design view does not call the key
that triggers an approved proposal's execution a single-key power."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cairo_upgrade_lint.audit import run
from cairo_upgrade_lint.audit.account import NOT_APPLICABLE
from cairo_upgrade_lint.cli import main
from cairo_upgrade_lint.config import Config

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
ACCOUNT = FIXTURES / "account" / "ok.cairo"
COUNCIL = FIXTURES / "governance" / "ok.cairo"
REFUSAL = """            assert(*call.selector != selector!("execute_after_upgrade"), 'forbidden call');\n"""
HOOK_GUARD = """    fn execute_after_upgrade(ref self: ContractState) {\n        assert_only_self();\n"""


def audit(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["audit", *(str(a) for a in args)], catch_exceptions=False)


def variant(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    source = ACCOUNT.read_text()
    for old, new in replacements:
        assert old in source
        source = source.replace(old, new)
    path = tmp_path / "wallet.cairo"
    path.write_text(source)
    return path


def outcome(path: Path, requirement: str) -> tuple[str, str]:
    result = run(str(path), Config(), ("account",))
    found = next(r.outcome for r in result.results if r.requirement.id == requirement)
    return found.status.value, found.message


def test_an_account_is_not_judged_as_a_migration() -> None:
    text = audit(ACCOUNT, "--type", "migration", "--no-color").stdout
    assert "migration: MultisigWallet (" in text and text.count(NOT_APPLICABLE) == 1
    assert not [line for line in text.splitlines() if line.lstrip().startswith(("pass", "FAIL"))]
    document = json.loads(audit(ACCOUNT, "--type", "migration", "--format", "json").stdout)["audit"]
    assert document["not_applicable"] == [{"profile": "migration", "contract": "MultisigWallet", "reason": NOT_APPLICABLE}]
    assert {r["contract"] for r in document["requirements"]} == {None}


def test_a_named_account_is_still_audited_against_the_chosen_profile() -> None:
    document = json.loads(audit(ACCOUNT, "--type", "migration", "--contract", "MultisigWallet", "--format", "json").stdout)
    assert {r["contract"] for r in document["audit"]["requirements"]} == {"MultisigWallet"}
    assert document["audit"]["not_applicable"] == []


def test_the_account_profile_judges_the_account() -> None:
    document = json.loads(audit(ACCOUNT, "--format", "json").stdout)["audit"]
    account = {r["id"]: r["status"] for r in document["requirements"] if r["profile"] == "account"}
    assert account == {"CUL551": "pass", "CUL552": "pass", "CUL553": "pass", "CUL554": "pass"}


def test_a_self_only_hook_a_signed_call_can_reach_passes(tmp_path: Path) -> None:
    status, message = outcome(variant(tmp_path, (REFUSAL, "")), "CUL553")
    assert status == "pass" and message == "`execute_after_upgrade` runs only as the account's own call"


def test_a_hook_that_asserts_and_clears_a_legacy_slot_runs_once(tmp_path: Path) -> None:
    once = HOOK_GUARD.replace("assert_only_self();", "assert(self.legacy_key.read() != 0, 'nothing to migrate');")
    status, message = outcome(variant(tmp_path, (REFUSAL, ""), (HOOK_GUARD, once)), "CUL553")
    assert status == "pass" and message == "`execute_after_upgrade` can run only once"


def test_an_open_hook_that_can_run_again_fails(tmp_path: Path) -> None:
    open_hook = HOOK_GUARD.replace("        assert_only_self();\n", "")
    status, message = outcome(variant(tmp_path, (REFUSAL, ""), (HOOK_GUARD, open_hook)), "CUL553")
    assert status == "fail" and "`execute_after_upgrade` can be called by anyone" in message


def test_an_open_upgrade_without_parameters_cannot_choose_the_class(tmp_path: Path) -> None:
    legacy = """    #[external(v0)]
    fn recover_legacy(ref self: ContractState) {
        let class: ClassHash = self.legacy_key.read().try_into().unwrap();
        replace_class_syscall(class).unwrap_syscall();
    }

    #[external(v0)]
    fn change_threshold("""
    path = variant(tmp_path, ("    #[external(v0)]\n    fn change_threshold(", legacy))
    status, message = outcome(path, "CUL551")
    assert status == "pass" and "`recover_legacy` can be called by anyone but takes no parameter" in message


def test_executing_an_approved_proposal_is_not_a_single_key_power() -> None:
    text = audit(COUNCIL, "--design").stdout
    assert "is_signer -> execute (execute approved proposals, gated by `proposals`)" in text
    assert "alone can" not in text and "single-key powers: none" in text
    council = json.loads(audit(COUNCIL, "--design", "--format", "json").stdout)["contracts"][0]
    assert council["single_key_powers"] == []
    assert council["governed_by"] == [
        {"authority": "is_signer", "entry_point": "execute", "power": "execute approved proposals, gated by `proposals`"}
    ]
