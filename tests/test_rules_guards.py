"""The guard analysis (semantics/guards.py): which auth checks count, ordering, helpers, OpenZeppelin
guards, configured guard names, and tracing a value back to the entry point's calldata."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.model import Contract, analyze
from cairo_upgrade_lint.model.syscalls import REPLACE_CLASS
from cairo_upgrade_lint.semantics.context import Context
from cairo_upgrade_lint.semantics.guards import (
    Guard,
    call_paths,
    entry_guard,
    functions_with_syscall,
    sites_guard,
    syscall_sites,
    write_sites,
)
from cairo_upgrade_lint.semantics.values import trace_origin

SOURCE = """
use starknet::ClassHash;

#[starknet::interface]
pub trait IVault<TContractState> {
    fn direct(ref self: TContractState, h: ClassHash);
    fn via_helper(ref self: TContractState, h: ClassHash);
    fn emergency(ref self: TContractState, h: ClassHash);
    fn check_after(ref self: TContractState, h: ClassHash);
    fn if_panic(ref self: TContractState, h: ClassHash);
    fn members_only(ref self: TContractState, h: ClassHash);
    fn self_only(ref self: TContractState, h: ClassHash);
    fn oz_owner(ref self: TContractState, h: ClassHash);
    fn council(ref self: TContractState, h: ClassHash);
    fn not_owner(ref self: TContractState, h: ClassHash);
    fn nonzero_caller(ref self: TContractState, h: ClassHash);
    fn external_check(ref self: TContractState, h: ClassHash);
    fn set_admin(ref self: TContractState, admin: ContractAddress);
    fn hashed(ref self: TContractState, h: ClassHash);
    fn destructured(ref self: TContractState, h: ClassHash);
    fn acts_for(ref self: TContractState, h: ClassHash, account: ContractAddress);
    fn disabled(ref self: TContractState, h: ClassHash);
    fn opaque_roles(ref self: TContractState, h: ClassHash);
    fn external_guard(ref self: TContractState, h: ClassHash);
    fn caller_to_helper(ref self: TContractState, h: ClassHash);
    fn caller_through_helpers(ref self: TContractState, h: ClassHash);
    fn owner_to_helper(ref self: TContractState, h: ClassHash);
    fn account_to_helper(ref self: TContractState, h: ClassHash, account: ContractAddress);
    fn helper_checks_late(ref self: TContractState, h: ClassHash);
}

#[starknet::interface]
pub trait IRegistry<TContractState> {
    fn check_permission(self: @TContractState, account: ContractAddress);
    fn only_member(self: @TContractState, account: ContractAddress);
}

#[starknet::contract]
mod Vault {
    use openzeppelin_access::ownable::OwnableComponent;
    use not_in_the_input::RolesComponent;
    use starknet::{ClassHash, ContractAddress, SyscallResultTrait, get_caller_address, get_contract_address};
    use starknet::storage::{Map, StorageMapReadAccess, StoragePointerReadAccess, StoragePointerWriteAccess};
    use starknet::syscalls::replace_class_syscall;
    use super::{IRegistryDispatcher, IRegistryDispatcherTrait};

    component!(path: OwnableComponent, storage: ownable, event: OwnableEvent);
    component!(path: RolesComponent, storage: roles, event: RolesEvent);
    impl OwnableInternalImpl = OwnableComponent::InternalImpl<ContractState>;

    #[storage]
    struct Storage {
        owner: ContractAddress,
        admin: ContractAddress,
        members: Map<ContractAddress, bool>,
        registry: ContractAddress,
        #[substorage(v0)]
        ownable: OwnableComponent::Storage,
        #[substorage(v0)]
        roles: RolesComponent::Storage,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        #[flat]
        OwnableEvent: OwnableComponent::Event,
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn direct(ref self: ContractState, h: ClassHash) {
            assert(get_caller_address() == self.owner.read(), 'not owner');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn via_helper(ref self: ContractState, h: ClassHash) {
            self.require_owner();
            self.apply(h);
        }
        fn emergency(ref self: ContractState, h: ClassHash) {
            self.apply(h);
        }
        fn check_after(ref self: ContractState, h: ClassHash) {
            replace_class_syscall(h).unwrap_syscall();
            self.require_owner();
        }
        fn if_panic(ref self: ContractState, h: ClassHash) {
            let caller = get_caller_address();
            if caller != self.owner.read() {
                panic!("not owner");
            }
            replace_class_syscall(h).unwrap_syscall();
        }
        fn members_only(ref self: ContractState, h: ClassHash) {
            assert(self.members.read(get_caller_address()), 'not a member');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn self_only(ref self: ContractState, h: ClassHash) {
            assert(get_caller_address() == get_contract_address(), 'only self');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn oz_owner(ref self: ContractState, h: ClassHash) {
            self.ownable.assert_only_owner();
            replace_class_syscall(h).unwrap_syscall();
        }
        fn council(ref self: ContractState, h: ClassHash) {
            self.only_council();
            replace_class_syscall(h).unwrap_syscall();
        }
        fn not_owner(ref self: ContractState, h: ClassHash) {
            assert(get_caller_address() != self.owner.read(), 'owner may not');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn nonzero_caller(ref self: ContractState, h: ClassHash) {
            assert(!get_caller_address().is_zero(), 'zero caller');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn external_check(ref self: ContractState, h: ClassHash) {
            let registry = IRegistryDispatcher { contract_address: self.registry.read() };
            registry.check_permission(get_caller_address());
            replace_class_syscall(h).unwrap_syscall();
        }
        fn set_admin(ref self: ContractState, admin: ContractAddress) {
            self.admin.write(admin);
        }
        fn hashed(ref self: ContractState, h: ClassHash) {
            assert(core::pedersen::pedersen('OWNER', get_caller_address().into()) == 0x1234, 'not owner');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn destructured(ref self: ContractState, h: ClassHash) {
            let (pending, _ready) = self.pending_admin();
            assert(pending == get_caller_address(), 'not pending admin');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn acts_for(ref self: ContractState, h: ClassHash, account: ContractAddress) {
            assert(get_caller_address() == account, 'only for yourself');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn disabled(ref self: ContractState, h: ClassHash) {
            core::panic_with_felt252('disabled');
            replace_class_syscall(h).unwrap_syscall();
        }
        fn external_guard(ref self: ContractState, h: ClassHash) {
            IRegistryDispatcher { contract_address: self.registry.read() }.only_member(get_caller_address());
            replace_class_syscall(h).unwrap_syscall();
        }
        fn opaque_roles(ref self: ContractState, h: ClassHash) {
            self.roles.only_upgrade_governor();
            replace_class_syscall(h).unwrap_syscall();
        }
        fn caller_to_helper(ref self: ContractState, h: ClassHash) {
            let caller = get_caller_address();
            self.assert_admin(caller);
            replace_class_syscall(h).unwrap_syscall();
        }
        fn caller_through_helpers(ref self: ContractState, h: ClassHash) {
            self.check_twice(get_caller_address());
            replace_class_syscall(h).unwrap_syscall();
        }
        fn owner_to_helper(ref self: ContractState, h: ClassHash) {
            assert_same(get_caller_address(), self.owner.read());
            replace_class_syscall(h).unwrap_syscall();
        }
        fn account_to_helper(ref self: ContractState, h: ClassHash, account: ContractAddress) {
            self.assert_admin(account);
            assert_same(get_caller_address(), account);
            replace_class_syscall(h).unwrap_syscall();
        }
        fn helper_checks_late(ref self: ContractState, h: ClassHash) {
            self.apply_as(get_caller_address(), h);
        }
    }

    fn assert_same(a: ContractAddress, b: ContractAddress) {
        assert(a == b, 'not the same');
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn require_owner(self: @ContractState) {
            let caller = get_caller_address();
            assert(caller == self.owner.read(), 'not owner');
        }
        fn apply(ref self: ContractState, new_class_hash: ClassHash) {
            replace_class_syscall(new_class_hash).unwrap_syscall();
        }
        fn only_council(self: @ContractState) {
            self.admin.read();
        }
        fn pending_admin(self: @ContractState) -> (ContractAddress, u64) {
            (self.admin.read(), 0)
        }
        fn assert_admin(self: @ContractState, who: ContractAddress) {
            assert(who == self.admin.read(), 'not admin');
        }
        fn check_twice(self: @ContractState, who: ContractAddress) {
            self.assert_admin(who);
        }
        fn apply_as(ref self: ContractState, who: ContractAddress, h: ClassHash) {
            replace_class_syscall(h).unwrap_syscall();
            self.assert_admin(who);
        }
    }
}
"""

UPGRADE = syscall_sites(REPLACE_CLASS)


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, Contract]:
    path = Path(tmp_path_factory.mktemp("guards")) / "vault.cairo"
    path.write_text(SOURCE)
    project = analyze(str(path))
    (contract,) = project.contracts
    return Context(project, Config(), load_catalogue()), contract


def upgrade_guard(vault: tuple[Context, Contract], name: str, config: Config | None = None) -> Guard:
    ctx, contract = vault
    if config is not None:
        ctx = Context(ctx.project, config, ctx.catalogue)
    entry = contract.entry_point(name)
    assert entry is not None
    return sites_guard(ctx, contract, entry, UPGRADE)


def test_caller_compared_with_stored_owner(vault) -> None:
    guard = upgrade_guard(vault, "direct")
    assert (guard.guarded, guard.kind, guard.subject) == (True, "caller_check", "owner")
    assert guard.description == "assert(get_caller_address() == self.owner.read())"
    assert guard.evidence is not None and guard.evidence.line > 0


def test_guard_in_a_helper_counts_and_is_named(vault) -> None:
    guard = upgrade_guard(vault, "via_helper")
    assert guard.guarded and guard.kind == "caller_check"
    assert guard.description.startswith("require_owner() -> assert(caller == self.owner.read())")


def test_unguarded_path_through_a_helper_is_reported(vault) -> None:
    guard = upgrade_guard(vault, "emergency")
    assert not guard.guarded and guard.kind == "none"
    assert [fid.rsplit("::", 1)[-1] for fid in guard.unguarded_path] == ["emergency", "apply"]
    assert guard.site is not None and guard.certain


def test_guard_after_the_sensitive_call_does_not_count(vault) -> None:
    assert not upgrade_guard(vault, "check_after").guarded
    ctx, contract = vault
    entry = contract.entry_point("check_after")
    assert entry_guard(ctx, contract, entry).guarded  # the entry point does check, too late


def test_if_caller_differs_then_panic(vault) -> None:
    guard = upgrade_guard(vault, "if_panic")
    assert (guard.guarded, guard.kind, guard.subject) == (True, "caller_check", "owner")
    assert guard.description.startswith("if caller != self.owner.read()")


def test_stored_flag_keyed_by_the_caller(vault) -> None:
    guard = upgrade_guard(vault, "members_only")
    assert (guard.guarded, guard.kind, guard.subject) == (True, "membership", "members")


def test_assert_only_self_idiom(vault) -> None:
    assert upgrade_guard(vault, "self_only").kind == "self_only"


def test_openzeppelin_assert_only_owner(vault) -> None:
    guard = upgrade_guard(vault, "oz_owner")
    assert (guard.guarded, guard.kind, guard.description) == (True, "guard_call", "ownable.assert_only_owner()")


def test_configured_guard_function(vault) -> None:
    assert not upgrade_guard(vault, "council").guarded
    guard = upgrade_guard(vault, "council", Config(guard_functions=("only_council",)))
    assert (guard.guarded, guard.kind, guard.subject) == (True, "guard_call", "only_council")


@pytest.mark.parametrize("name", ["not_owner", "nonzero_caller", "acts_for"])
def test_caller_checks_that_do_not_authorise(vault, name: str) -> None:
    assert not upgrade_guard(vault, name).guarded


@pytest.mark.parametrize(
    ("name", "subject", "description"),
    [
        ("caller_to_helper", "admin", "assert_admin() -> assert(who == self.admin.read())"),
        ("caller_through_helpers", "admin", "check_twice() -> assert_admin() -> assert(who == self.admin.read())"),
        ("owner_to_helper", "owner", "assert_same() -> assert(a == b)"),
    ],
)
def test_a_helper_handed_the_caller_checks_it(vault, name: str, subject: str, description: str) -> None:
    """``self.assert_admin(get_caller_address())``: the helper's parameter is the caller there (and a
    stored value passed for the other side is the authority)."""
    guard = upgrade_guard(vault, name)
    assert (guard.guarded, guard.kind, guard.subject, guard.description) == (True, "caller_check", subject, description)


def test_a_helper_handed_calldata_or_checking_too_late_does_not_guard(vault) -> None:
    assert not upgrade_guard(vault, "account_to_helper").guarded  # the account checked is not the caller
    late = upgrade_guard(vault, "helper_checks_late")
    assert not late.guarded
    assert [fid.rsplit("::", 1)[-1] for fid in late.unguarded_path] == ["helper_checks_late", "apply_as"]


def test_guard_like_call_on_another_contract_makes_the_verdict_uncertain(vault) -> None:
    guard = upgrade_guard(vault, "external_check")
    assert not guard.guarded and not guard.certain
    assert guard.unresolved == ("check_permission",)
    assert upgrade_guard(vault, "emergency").certain


def test_entry_guard_default_target_is_the_entry_point(vault) -> None:
    ctx, contract = vault
    assert not entry_guard(ctx, contract, contract.entry_point("set_admin")).guarded
    assert entry_guard(ctx, contract, contract.entry_point("via_helper")).guarded
    reaches_apply = entry_guard(ctx, contract, contract.entry_point("emergency"), lambda f: f.name == "apply")
    assert not reaches_apply.guarded and reaches_apply.unguarded_path[-1].endswith("::apply")


def test_write_sites(vault) -> None:
    ctx, contract = vault
    guard = sites_guard(ctx, contract, contract.entry_point("set_admin"), write_sites(lambda m: m == "admin"))
    assert not guard.guarded and len(guard.unguarded_path) == 1


def test_not_reached(vault) -> None:
    ctx, contract = vault
    guard = sites_guard(ctx, contract, contract.entry_point("set_admin"), UPGRADE)
    assert (guard.guarded, guard.kind) == (True, "not_reached")


def test_trace_origin_back_to_calldata(vault) -> None:
    ctx, contract = vault
    graph = ctx.project.call_graph
    entry = contract.entry_point("emergency")
    (apply,) = functions_with_syscall(graph, entry.function, REPLACE_CLASS)
    (path,) = call_paths(graph, entry.function, apply.id)
    (syscall,) = apply.facts.syscalls
    origin = trace_origin(graph, path, syscall.args[0])
    assert origin.from_entry and (origin.operand.kind, origin.operand.name) == ("param", "h")
    assert [name for _, name in origin.aliases] == ["new_class_hash", "h"]


def test_hash_of_the_caller_compared_with_a_constant(vault) -> None:
    assert upgrade_guard(vault, "hashed").kind == "caller_check"


def test_caller_compared_with_a_destructured_local(vault) -> None:
    guard = upgrade_guard(vault, "destructured")
    assert (guard.guarded, guard.kind, guard.subject) == (True, "caller_check", "pending")


def test_a_body_that_always_panics_stops_every_path(vault) -> None:
    guard = upgrade_guard(vault, "disabled")
    assert (guard.guarded, guard.kind) == (True, "panics")


def test_guard_on_another_contract_that_is_handed_the_caller(vault) -> None:
    guard = upgrade_guard(vault, "external_guard")
    assert (guard.guarded, guard.kind, guard.subject) == (True, "guard_call", "only_member")


def test_guard_named_call_on_a_component_that_does_not_resolve(vault) -> None:
    guard = upgrade_guard(vault, "opaque_roles")
    assert (guard.guarded, guard.kind, guard.subject) == (True, "guard_call", "only_upgrade_governor")


COMPONENTS = """
use starknet::{ClassHash, ContractAddress};

pub trait Ownable<TContractState> {
    fn require_owner(self: @TContractState) -> ContractAddress;
}

#[starknet::interface]
pub trait IUpgradeable<TContractState> {
    fn replace_class_hash(ref self: TContractState, class_hash: ClassHash);
}

#[starknet::component]
pub mod Owned {
    use starknet::{ContractAddress, get_caller_address};
    use starknet::storage::StoragePointerReadAccess;
    use super::Ownable;

    #[storage]
    pub struct Storage {
        pub owner: ContractAddress,
    }

    pub impl OwnableImpl<TContractState, +HasComponent<TContractState>> of Ownable<TContractState> {
        fn require_owner(self: @TContractState) -> ContractAddress {
            let owner = self.get_component().owner.read();
            assert(get_caller_address() == owner, 'OWNER_ONLY');
            owner
        }
    }
}

#[starknet::component]
pub mod Upgradeable {
    use starknet::{ClassHash, SyscallResultTrait};
    use starknet::syscalls::replace_class_syscall;
    use super::{IUpgradeable, Ownable};

    #[storage]
    pub struct Storage {}

    #[embeddable_as(UpgradeableImpl)]
    pub impl Upgradeable<
        TContractState, +HasComponent<TContractState>, +Ownable<TContractState>,
    > of IUpgradeable<ComponentState<TContractState>> {
        fn replace_class_hash(ref self: ComponentState<TContractState>, class_hash: ClassHash) {
            let this = self.get_contract();
            this.require_owner();
            replace_class_syscall(class_hash).unwrap_syscall();
        }
    }
}

#[starknet::contract]
mod Core {
    use starknet::ClassHash;
    use super::{Owned, Upgradeable};

    component!(path: Owned, storage: owned, event: OwnedEvent);
    component!(path: Upgradeable, storage: upgradeable, event: UpgradeableEvent);

    impl OwnableImpl = Owned::OwnableImpl<ContractState>;
    #[abi(embed_v0)]
    impl UpgradeableImpl = Upgradeable::UpgradeableImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        owned: Owned::Storage,
        #[substorage(v0)]
        upgradeable: Upgradeable::Storage,
        value: felt252,
    }

    #[external(v0)]
    fn set_value(ref self: ContractState, value: felt252) {
        self.require_owner();
        self.value.write(value);
    }
}
"""


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, Contract]:
    path = Path(tmp_path_factory.mktemp("components")) / "core.cairo"
    path.write_text(COMPONENTS)
    project = analyze(str(path))
    contract = project.contract("Core")
    assert contract is not None
    return Context(project, Config(), load_catalogue()), contract


def test_guard_through_a_trait_bound_of_the_component_impl(core) -> None:
    ctx, contract = core
    guard = sites_guard(ctx, contract, contract.entry_point("replace_class_hash"), UPGRADE)
    assert (guard.guarded, guard.kind) == (True, "caller_check")
    assert guard.description.startswith("require_owner()")


def test_guard_through_an_impl_alias_of_the_contract(core) -> None:
    ctx, contract = core
    guard = entry_guard(ctx, contract, contract.entry_point("set_value"))
    assert (guard.guarded, guard.kind) == (True, "caller_check")
