"""Guard classes of the model: the account protocol, signature checks, one-shot initializers,
bool-returning guard helpers (fixtures under tests/fixtures/rules/CUL30*/)."""

from __future__ import annotations

from pathlib import Path

from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.model.syscalls import REPLACE_CLASS
from cairo_upgrade_lint.semantics.context import Context
from cairo_upgrade_lint.semantics.guards import entry_guard, is_account, one_shot, sites_guard, syscall_sites

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _load(case: str):
    project = analyze(str(FIXTURES / case / "contract.cairo"))
    (contract,) = [c for c in project.contracts if c.kind == "contract"]
    return Context(project, Config(), load_catalogue()), contract


def test_validate_of_an_account_is_a_protocol_entry_point() -> None:
    ctx, contract = _load("CUL302/ok_account_validate_counter")
    assert is_account(ctx, contract)
    guard = entry_guard(ctx, contract, contract.entry_point("__validate__"))
    assert guard.guarded and guard.kind == "protocol_entry"


def test_validate_without_execute_is_not_an_account() -> None:
    ctx, contract = _load("CUL302/tp_account_like_validate_unguarded")
    assert not is_account(ctx, contract)
    assert not entry_guard(ctx, contract, contract.entry_point("__validate__")).guarded


def test_signature_by_a_stored_key_over_the_parameters_guards_the_upgrade() -> None:
    ctx, contract = _load("CUL301/ok_signature_checked_deploy_upgrade")
    guard = sites_guard(ctx, contract, contract.entry_point("init_from_factory"), syscall_sites(REPLACE_CLASS))
    assert guard.guarded and guard.kind == "signature" and guard.subject == "init_key"


def test_signature_by_a_key_the_caller_chooses_does_not() -> None:
    ctx, contract = _load("CUL301/tp_signature_by_caller_chosen_key")
    guard = sites_guard(ctx, contract, contract.entry_point("init_from_factory"), syscall_sites(REPLACE_CLASS))
    assert not guard.guarded


def test_bool_helper_tested_in_if_panic_is_a_caller_check() -> None:
    ctx, contract = _load("CUL301/ok_bool_helper_guard")
    guard = sites_guard(ctx, contract, contract.entry_point("upgrade"), syscall_sites(REPLACE_CLASS))
    assert guard.guarded and guard.kind == "caller_check" and "is_caller_owner" in guard.description


def _upgrade_guard(case: str, entry: str = "upgrade"):
    ctx, contract = _load(case)
    return sites_guard(ctx, contract, contract.entry_point(entry), syscall_sites(REPLACE_CLASS))


def test_alternatives_of_bool_helpers_each_checking_the_caller_are_a_caller_check() -> None:
    for entry in ("upgrade", "emergency_upgrade"):  # through a helper, and directly in the assertion
        guard = _upgrade_guard("CUL301/ok_bool_helper_alternatives", entry)
        assert guard.guarded and guard.kind == "caller_check" and "self.is_operator()" in guard.description


def test_an_alternative_that_does_not_check_the_caller_is_no_guard() -> None:
    guard = _upgrade_guard("CUL301/tp_bool_helper_alternative_not_auth")
    assert not guard.guarded and guard.kind == "none"


def test_early_returns_for_authorised_callers_before_a_panic_are_the_check() -> None:
    guard = _upgrade_guard("CUL301/ok_early_return_for_authorised_caller", "upgrade_resource")
    assert guard.guarded and guard.kind == "membership" and guard.subject == "is_owner"
    assert "returns early" in guard.description


def test_a_panic_guards_nothing_after_an_unchecked_early_return_or_inside_a_branch() -> None:
    for case in ("CUL301/tp_early_return_without_auth", "CUL301/tp_panicking_helper_in_branch"):
        guard = _upgrade_guard(case)
        assert not guard.guarded and guard.kind == "none"


def test_one_shot_through_raw_storage_at_a_computed_address() -> None:
    ctx, contract = _load("CUL302/ok_one_shot_initializer_raw_storage")
    found = one_shot(ctx, contract.entry_point("setup_signer"))
    assert found is not None and "signers_base()" in found
    # a plain flag that is checked but never written is not one-shot
    ctx, contract = _load("CUL302/tp_unguarded_set_owner")
    assert all(one_shot(ctx, e) is None for e in contract.entry_points)
