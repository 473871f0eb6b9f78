"""Entry-point and event rules (CUL201-CUL205): the edge cases the fixture folders do not cover."""

from __future__ import annotations

from pathlib import Path

from rule_cases import analyse_sources

from cairo_upgrade_lint.findings import Finding
from cairo_upgrade_lint.model.encoding import Mismatch, decodes_as, extends, mismatch
from cairo_upgrade_lint.model.hashing import felt_hex, selector


def contract(body: str, interface: str = "", name: str = "Vault", storage: str = "value: u128,") -> str:
    """A contract module with ``storage`` members and ``body``, after the top-level ``interface``."""
    return f"""use starknet::{{ClassHash, ContractAddress}};
{interface}
#[starknet::contract]
mod {name} {{
    use starknet::{{ClassHash, ContractAddress}};
    #[storage]
    struct Storage {{
        {storage}
    }}
{body}
}}
"""


UPGRADE = """
    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: ClassHash) {
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
    }
"""  # an upgrade path: without one in the old version, upgrade findings are notes


def checked(tmp: Path, code: str, rule: str) -> list[Finding]:
    return [f for f in analyse_sources(tmp, code=code) if f.rule_id == rule]


def compared(tmp: Path, old: str, new: str, rule: str) -> list[Finding]:
    return [f for f in analyse_sources(tmp, old=old, new=new) if f.rule_id == rule]


def line_of(code: str, text: str) -> int:
    return next(i for i, line in enumerate(code.splitlines(), 1) if text in line)


# ---------------------------------------------------------------- CUL201

COMPONENT = """
#[starknet::interface]
trait IVersion<T> {
    fn version(self: @T) -> felt252;
}

#[starknet::component]
mod VersionComponent {
    #[storage]
    struct Storage {}

    #[embeddable_as(VersionImpl)]
    impl Version<T, +HasComponent<T>> of super::IVersion<ComponentState<T>> {
        fn version(self: @ComponentState<T>) -> felt252 {
            1
        }
    }

    #[embeddable_as(OtherVersionImpl)]
    impl OtherVersion<T, +HasComponent<T>> of super::IVersion<ComponentState<T>> {
        fn version(self: @ComponentState<T>) -> felt252 {
            2
        }
    }
}
"""
EMBEDS = """
    component!(path: super::VersionComponent, storage: version, event: VersionEvent);
    #[abi(embed_v0)]
    impl VersionImpl = super::VersionComponent::VersionImpl<ContractState>;
    #[abi(embed_v0)]
    impl OtherVersionImpl = super::VersionComponent::OtherVersionImpl<ContractState>;
"""


def test_two_embedded_component_impls_collide_at_the_later_embedding(tmp_path: Path) -> None:
    code = contract(EMBEDS, COMPONENT)
    [finding] = checked(tmp_path, code, "CUL201")
    assert finding.location.line == line_of(code, "impl OtherVersionImpl =")
    assert "`version`" in finding.message and felt_hex(selector("version")) in finding.message
    assert [r.location.line for r in finding.related] == [line_of(code, "impl VersionImpl =")]


def test_one_embedded_impl_is_no_collision(tmp_path: Path) -> None:
    code = contract(EMBEDS.split("    #[abi(embed_v0)]\n    impl Other")[0], COMPONENT)
    assert checked(tmp_path, code, "CUL201") == []


def test_external_and_l1_handler_of_one_name_use_separate_tables(tmp_path: Path) -> None:
    code = contract("""
    #[external(v0)]
    fn sync(ref self: ContractState) {}

    #[l1_handler]
    fn sync_from_l1(ref self: ContractState, from_address: felt252) {}
""")
    assert checked(tmp_path, code, "CUL201") == []


IMPLEMENTATION = """
#[starknet::interface]
trait ILedger<T> {
    fn deposit(ref self: T, amount: u128);
    fn admin(self: @T) -> ContractAddress;
}
"""
PROXY = """
    #[external(v0)]
    fn deposit(ref self: ContractState, amount: u128) {
        super::ILedgerLibraryDispatcher { class_hash: self.implementation.read() }.deposit(amount);
    }

    #[external(v0)]
    fn admin(self: @ContractState) -> ContractAddress {
        self.proxy_admin.read()
    }
"""


def proxy(body: str) -> str:
    storage = "implementation: ClassHash, proxy_admin: ContractAddress,"
    return contract(body, IMPLEMENTATION, "LedgerProxy", storage)


def test_proxy_admin_entry_point_shadows_the_implementation(tmp_path: Path) -> None:
    code = proxy(PROXY)
    [finding] = checked(tmp_path, code, "CUL201")
    assert finding.location.line == line_of(code, "fn admin(self: @ContractState)")
    assert "ILedger::admin" in finding.message
    assert finding.related[0].message == "implementation interface ILedger"


def test_proxy_forwarding_by_raw_selector_constant_through_a_helper(tmp_path: Path) -> None:
    body = """
    const DEPOSIT: felt252 = selector!("deposit");

    #[external(v0)]
    fn deposit(ref self: ContractState, amount: u128) {
        self.delegate(DEPOSIT, array![amount.into()]);
    }

    #[external(v0)]
    fn proxy_admin(self: @ContractState) -> ContractAddress {
        self.proxy_admin.read()
    }

    #[generate_trait]
    impl Internal of InternalTrait {
        fn delegate(ref self: ContractState, entry: felt252, calldata: Array<felt252>) {
            let class_hash = self.implementation.read();
            starknet::syscalls::library_call_syscall(class_hash, entry, calldata.span()).unwrap();
        }
    }
"""
    assert checked(tmp_path, proxy(body), "CUL201") == []
    shadowing = proxy(body.replace("fn proxy_admin(", "fn admin("))
    [finding] = checked(tmp_path, shadowing, "CUL201")
    assert "`admin`" in finding.message


def test_a_library_call_to_a_class_hash_from_calldata_is_no_proxy(tmp_path: Path) -> None:
    body = """
    #[external(v0)]
    fn admin(self: @ContractState, class_hash: ClassHash) -> ContractAddress {
        super::ILedgerLibraryDispatcher { class_hash }.admin()
    }
"""
    assert checked(tmp_path, proxy(body), "CUL201") == []


ROUTER = """
    const QUOTE: felt252 = selector!("quote");

    #[constructor]
    fn constructor(ref self: ContractState, swap_facet: ClassHash, quote_facet: ClassHash) {
        self.facets.write(selector!("swap"), swap_facet);
        self.facets.write(QUOTE, quote_facet);
    }

    #[external(v0)]
    fn remove(ref self: ContractState, entry: felt252) {
        self.facets.write(selector!("swap"), 0.try_into().unwrap());
    }
"""


def router(body: str) -> str:
    return contract(body, "", "Router", "facets: starknet::storage::Map<felt252, ClassHash>,")


def test_router_registers_distinct_selectors(tmp_path: Path) -> None:
    assert checked(tmp_path, router(ROUTER), "CUL201") == []


def test_router_registers_one_selector_for_two_facets(tmp_path: Path) -> None:
    code = router(ROUTER.replace("self.facets.write(QUOTE,", 'self.facets.write(selector!("swap"),'))
    [finding] = checked(tmp_path, code, "CUL201")
    assert "registered twice" in finding.message and '(`selector!("swap")`)' in finding.message
    assert finding.location.line == line_of(code, "quote_facet);")


def test_router_registers_its_own_entry_point_selector(tmp_path: Path) -> None:
    code = router(ROUTER.replace("QUOTE, quote_facet", 'selector!("remove"), quote_facet'))
    [finding] = checked(tmp_path, code, "CUL201")
    assert "own entry point `remove`" in finding.message


# ---------------------------------------------------------------- CUL202 / CUL203

WITHDRAW = """
    #[external(v0)]
    fn withdraw(ref self: ContractState, amount: u64) -> u128 {
        0
    }
"""


def test_parameter_rename_and_widening_are_compatible(tmp_path: Path) -> None:
    new = WITHDRAW.replace("amount: u64", "value: felt252")
    assert compared(tmp_path, contract(WITHDRAW), contract(new), "CUL202") == []


def test_widened_return_breaks_old_decoders(tmp_path: Path) -> None:
    new = contract(WITHDRAW.replace("-> u128", "-> felt252"))
    [finding] = compared(tmp_path, contract(WITHDRAW), new, "CUL202")
    assert "return u128 -> felt252" in finding.message
    assert finding.location.path.endswith("new.cairo")
    assert finding.location.line == line_of(new, "fn withdraw")
    assert finding.related[0].location.path.endswith("old.cairo")


def test_constructor_and_validate_deploy_changes_are_silent(tmp_path: Path) -> None:
    old = """
    #[constructor]
    fn constructor(ref self: ContractState, owner: felt252) {}

    #[external(v0)]
    fn __validate_deploy__(self: @ContractState, class: felt252, salt: felt252, owner: felt252) -> felt252 {
        0
    }
"""
    new = old.replace("owner: felt252", "owner: u256")
    assert compared(tmp_path, contract(old), contract(new), "CUL202") == []
    assert compared(tmp_path, contract(old), contract(""), "CUL203") == []


STRUCT = """
#[derive(Drop, Serde)]
struct Order {
    amount: u128,
    price: u64,
}
"""
PLACE = """
    #[external(v0)]
    fn place(ref self: ContractState, order: super::Order) {}
"""


def test_struct_renamed_with_same_members_is_compatible(tmp_path: Path) -> None:
    new = contract(PLACE.replace("super::Order", "super::Request"), STRUCT.replace("Order", "Request"))
    assert compared(tmp_path, contract(PLACE, STRUCT), new, "CUL202") == []


def test_struct_member_changed_under_the_same_name_is_reported(tmp_path: Path) -> None:
    new = contract(PLACE, STRUCT.replace("price: u64,", "price: u64,\n    expiry: u64,"))
    [finding] = compared(tmp_path, contract(PLACE, STRUCT), new, "CUL202")
    assert "`Order` keeps its name but not its encoding (2 values -> 3 values in `new::Order`)" in finding.message


def test_parameters_are_aligned_by_name_and_encoding(tmp_path: Path) -> None:
    old = "\n    #[external(v0)]\n    fn fill(ref self: ContractState, a: u8, b: u256, c: felt252, d: u64) {}\n"
    removed = old.replace("b: u256, ", "")
    [finding] = compared(tmp_path, contract(old), contract(removed), "CUL202")
    assert "(parameter `b: u256` at position 2 removed)" in finding.message
    retyped = old.replace("c: felt252", "c: u256")
    [finding] = compared(tmp_path, contract(old), contract(retyped), "CUL202")
    assert "(type of parameter 3 `c` changed felt252 -> u256)" in finding.message


def test_account_protocol_return_change_is_a_note(tmp_path: Path) -> None:
    old = (
        "\n    #[external(v0)]\n    fn __validate__(self: @ContractState, calls: Array<felt252>) -> felt252 {\n        0\n    }\n"
    )
    new = old.replace("-> felt252 {\n        0", "-> u256 {\n        0")
    [finding] = compared(tmp_path, contract(old), contract(new), "CUL202")
    assert finding.severity.value == "note" and "protocol calls `__validate__`" in finding.message
    changed_params = new.replace("calls: Array<felt252>", "calls: Array<u256>")
    [finding] = compared(tmp_path, contract(old + UPGRADE), contract(changed_params + UPGRADE), "CUL202")
    assert finding.severity.value == "error"


def test_unit_return_reads_as_unit(tmp_path: Path) -> None:
    new = contract(WITHDRAW.replace(" -> u128 {\n        0\n", " {\n"))
    [finding] = compared(tmp_path, contract(WITHDRAW), new, "CUL202")
    assert "return u128 -> ()" in finding.message and "None" not in finding.message


def test_entry_point_moved_to_l1_handler_is_removed(tmp_path: Path) -> None:
    old = "\n    #[external(v0)]\n    fn sync(ref self: ContractState, from_address: felt252) {}\n"
    new = contract(old.replace("#[external(v0)]", "#[l1_handler]"))
    [finding] = compared(tmp_path, contract(old), new, "CUL203")
    assert finding.location.line == line_of(new, "mod Vault")
    assert "sync" in finding.message


def test_removed_entry_point_names_a_likely_rename(tmp_path: Path) -> None:
    new = contract(WITHDRAW.replace("fn withdraw", "fn withdraw_funds"))
    [finding] = compared(tmp_path, contract(WITHDRAW), new, "CUL203")
    assert "renamed to `withdraw_funds`" in finding.message
    assert finding.related[0].message == "old declaration"


# ---------------------------------------------------------------- CUL204

UPGRADE = """
    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
        starknet::syscalls::replace_class_syscall(new_class_hash).unwrap();
    }
"""


def test_library_call_to_a_caller_chosen_class_keeps_upgradeability(tmp_path: Path) -> None:
    new = """
    #[external(v0)]
    fn run(ref self: ContractState, class_hash: ClassHash, entry: felt252) {
        starknet::syscalls::library_call_syscall(class_hash, entry, array![].span()).unwrap();
    }
"""
    assert compared(tmp_path, contract(UPGRADE), contract(new), "CUL204") == []


def test_library_call_to_a_stored_class_is_a_low_confidence_finding(tmp_path: Path) -> None:
    new = """
    #[external(v0)]
    fn run(ref self: ContractState, entry: felt252) {
        let class_hash: ClassHash = self.value.read().into();
        starknet::syscalls::library_call_syscall(class_hash, entry, array![].span()).unwrap();
    }
"""
    [finding] = compared(tmp_path, contract(UPGRADE), contract(new), "CUL204")
    assert finding.confidence == "low" and "library calls" in finding.message


def test_upgrade_only_from_the_constructor_is_no_upgrade_path(tmp_path: Path) -> None:
    old = UPGRADE.replace("#[external(v0)]\n    fn upgrade", "#[constructor]\n    fn constructor")
    assert compared(tmp_path, contract(old), contract(""), "CUL204") == []


# ---------------------------------------------------------------- CUL205

EVENTS = """
    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        Transfer: Transfer,
    }

    #[derive(Drop, starknet::Event)]
    struct Transfer {
        #[key]
        from: ContractAddress,
        to: ContractAddress,
        amount: u128,
    }
"""


def test_event_key_moved(tmp_path: Path) -> None:
    moved = "from: ContractAddress,\n        #[key]\n        to:"
    new = contract(EVENTS.replace("#[key]\n        from: ContractAddress,\n        to:", moved))
    [finding] = compared(tmp_path, contract(EVENTS), new, "CUL205")
    assert "`from` moved from keys to data; `to` moved from data to keys" in finding.message
    assert finding.location.line == line_of(new, "Transfer: Transfer")


def test_event_field_renamed_keeps_the_encoding(tmp_path: Path) -> None:
    new = contract(EVENTS.replace("amount: u128", "value: u128"))
    assert compared(tmp_path, contract(EVENTS), new, "CUL205") == []


def test_event_data_fields_swapped(tmp_path: Path) -> None:
    old = contract(EVENTS.replace("amount: u128", "spender: ContractAddress"))
    swapped = EVENTS.replace("to: ContractAddress", "spender: ContractAddress")
    new = contract(swapped.replace("amount: u128", "to: ContractAddress"))
    [finding] = compared(tmp_path, old, new, "CUL205")
    assert "fields reordered" in finding.message


def test_removed_event_points_at_the_new_event_enum(tmp_path: Path) -> None:
    old = contract(
        EVENTS.replace("Transfer: Transfer,", "Transfer: Transfer,\n        Paused: Paused,")
        + """
    #[derive(Drop, starknet::Event)]
    struct Paused {}
"""
    )
    new = contract(EVENTS)
    [finding] = compared(tmp_path, old, new, "CUL205")
    assert "Paused" in finding.message and finding.location.line == line_of(new, "enum Event")
    assert finding.related[0].location.line == line_of(old, "Paused: Paused")


COMPONENT_EVENTS = """
#[starknet::component]
mod Pausable {
    #[storage]
    struct Storage {}

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Paused: Paused,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Paused {
        account: starknet::ContractAddress,
    }
}
"""
EMBEDS_EVENTS = """
    component!(path: super::Pausable, storage: pausable, event: PausableEvent);

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        #[flat]
        PausableEvent: super::Pausable::Event,
    }
"""


def test_a_local_component_event_change_is_reported_once_by_the_component(tmp_path: Path) -> None:
    old = contract(EMBEDS_EVENTS, COMPONENT_EVENTS)
    new = contract(EMBEDS_EVENTS, COMPONENT_EVENTS.replace("account: starknet::ContractAddress", "at: u256"))
    [finding] = compared(tmp_path, old, new, "CUL205")
    assert "field `at` added" in finding.message and finding.location.line == line_of(new, "Paused: Paused")


def test_unflattening_a_component_event_changes_the_keys_of_the_contract(tmp_path: Path) -> None:
    new = contract(EMBEDS_EVENTS.replace("        #[flat]\n", ""), COMPONENT_EVENTS)
    [finding] = compared(tmp_path, contract(EMBEDS_EVENTS, COMPONENT_EVENTS), new, "CUL205")
    assert "renamed to `PausableEvent::Paused`" in finding.message
    assert finding.location.line == line_of(new, "PausableEvent: super::Pausable::Event")


# ---------------------------------------------------------------- encodings


def test_encoding_compatibility() -> None:
    assert decodes_as("{ContractAddress}", "ContractAddress")
    assert decodes_as("{u64, ContractAddress}", "{felt252, ContractAddress}")
    assert decodes_as("enum<() | ()>", "enum<() | () | ()>")
    assert not decodes_as("enum<() | () | ()>", "enum<() | ()>")
    assert not decodes_as("felt252", "u64")
    assert mismatch("{u128, u128}", "u128") == Mismatch("2 values", "1 value")
    assert mismatch("[u8; 3]", "[u8; 4]") == Mismatch("[3]", "[4]")
    assert mismatch("{%a::S u8, u8}", "{%b::S u8}") == Mismatch("2 values", "1 value", "a::S")
    assert mismatch("enum%a::E<() | () | ()>", "enum%a::E<() | ()>") == Mismatch("3 variants", "2 variants", "a::E")
    assert decodes_as("{?dep_Amount, u8}", "{?dep_Amount, u8}")
    unknown = mismatch("{?dep_Amount, u8}", "{u128, u8}")
    assert unknown is not None and unknown.unknown
    assert decodes_as(
        "{%a::L enum<Array<u8> | Array<{%a::F felt252, ^2}>>}", "{%b::L enum<Array<u8> | Array<{%b::F felt252, ^2}>>}"
    )
    assert not decodes_as("enum<Array<{felt252, ^2}>>", "enum<Array<{felt252, ^1}>>")


def test_an_unknown_part_does_not_hide_a_proven_difference_after_it() -> None:
    """Argent's SignerSignature: a variant with a custom Serde impl that changed (unknown) comes
    before the Webauthn variant whose payload lost two fields (proven)."""
    old = "enum%a::S<{?serde_1, u8} | {%a::W bool, Array<u8>, u8}>"
    new = "enum%a::S<{?serde_2, u8} | {%a::W Array<u8>, u8}>"
    found = mismatch(old, new)
    assert found is not None and not found.unknown and found.owner == "a::W"
    assert not decodes_as(old, new)
    only_unknown = mismatch("{?serde_1, u8}", "{?serde_2, u8}")
    assert only_unknown is not None and only_unknown.unknown


def component_and_embedders(value_type: str) -> str:
    """A component whose embeddable ``set`` takes ``value_type``, embedded by Alpha and Beta."""
    embedder = """
#[starknet::contract]
mod {name} {{
    use super::CounterComponent;
    component!(path: CounterComponent, storage: counter, event: CounterEvent);

    #[abi(embed_v0)]
    impl CounterImpl = CounterComponent::CounterImpl<ContractState>;

    #[storage]
    struct Storage {{
        #[substorage(v0)]
        counter: CounterComponent::Storage,
    }}

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {{
        #[flat]
        CounterEvent: CounterComponent::Event,
    }}
}}
"""
    component = f"""#[starknet::interface]
pub trait ICounter<T> {{
    fn set(ref self: T, value: {value_type});
}}

#[starknet::component]
pub mod CounterComponent {{
    #[storage]
    pub struct Storage {{
        pub count: u128,
    }}

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {{}}

    #[embeddable_as(CounterImpl)]
    impl Counter<TContractState, +HasComponent<TContractState>> of super::ICounter<ComponentState<TContractState>> {{
        fn set(ref self: ComponentState<TContractState>, value: {value_type}) {{}}
    }}
}}
"""
    return component + embedder.format(name="Alpha") + embedder.format(name="Beta")


def test_a_component_change_shared_by_its_embedders_is_one_finding_naming_them(tmp_path: Path) -> None:
    """Alpha and Beta embed the component whose ``set`` changed: one finding on the component's code
    (where both contracts' findings would point), naming both."""
    new = component_and_embedders("u256")
    (finding,) = compared(tmp_path, component_and_embedders("u128"), new, "CUL202")
    assert "of Alpha and Beta changed signature" in finding.message
    assert finding.location.line == line_of(new, "fn set(ref self: ComponentState")


def test_the_same_change_in_two_contracts_own_code_stays_two_findings(tmp_path: Path) -> None:
    """The merge is only for one place: Alpha and Beta each declaring the changed ``set`` are two findings."""

    def two(value_type: str) -> str:
        body = f"""
    #[external(v0)]
    fn set(ref self: ContractState, value: {value_type}) {{}}
"""
        return contract(body, name="Alpha") + contract(body, name="Beta").split("\n", 2)[2]

    findings = compared(tmp_path, two("u128"), two("u256"), "CUL202")
    assert sorted(f.message.split(" of ")[1].split(" ")[0] for f in findings) == ["Alpha", "Beta"]
    assert len({f.location.line for f in findings}) == 2


def test_return_change_of_a_self_only_entry_point_is_a_note(tmp_path: Path) -> None:
    """Argent's `upgrade` asserts the caller is the account itself: only the account's own
    `__execute__` calls it, so a return-type change breaks no external caller; a parameter change
    is still an error (the account's owners send new calldata through it)."""
    body = """
    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: ClassHash, data: Array<felt252>) -> Array<felt252> {
        assert(starknet::get_caller_address() == starknet::get_contract_address(), 'only self');
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
        data
    }
"""
    new = body.replace(" -> Array<felt252> {", " {").replace("        data\n", "")
    [finding] = compared(tmp_path, contract(body), contract(new), "CUL202")
    assert finding.severity.value == "note" and "Only Vault itself can call `upgrade`" in finding.message
    changed_params = body.replace("data: Array<felt252>)", "data: Array<u256>)")
    [finding] = compared(tmp_path, contract(body), contract(changed_params), "CUL202")
    assert finding.severity.value == "error"


def test_a_return_value_that_only_gains_trailing_values_is_a_note(tmp_path: Path) -> None:
    """Generated dispatchers deserialize what they know and do not check the returned length."""
    interface = "#[derive(Drop, Serde)]\nstruct Details {\n    a: u64,\n    b: felt252,\n}\n"
    body = '\n    #[external(v0)]\n    fn details(self: @ContractState) -> super::Details {\n        panic!("x")\n    }\n'
    grown = interface.replace("b: felt252,\n", "b: felt252,\n    c: u8,\n")
    [finding] = compared(tmp_path, contract(body + UPGRADE, interface), contract(body + UPGRADE, grown), "CUL202")
    assert finding.severity.value == "note" and "returns more values" in finding.message
    inserted = interface.replace("a: u64,\n", "z: u8,\n    a: u64,\n")
    [finding] = compared(tmp_path, contract(body + UPGRADE, interface), contract(body + UPGRADE, inserted), "CUL202")
    assert finding.severity.value == "error"
    assert extends("{u64, felt252, u8}", "{u64, felt252}") and not extends("{u8, u64, felt252}", "{u64, felt252}")
    assert not extends("({u64}, u8)", "({u64}, u8)")


def test_a_return_type_that_becomes_a_tuple_is_still_an_error(tmp_path: Path) -> None:
    """u128 -> (u128, u128): the first value decodes alike, but the type (and what it means) changed."""
    body = "\n    #[external(v0)]\n    fn rewards(self: @ContractState) -> u128 {\n        0\n    }\n"
    split = body.replace("-> u128 {\n        0", "-> (u128, u128) {\n        (0, 0)")
    [finding] = compared(tmp_path, contract(body + UPGRADE), contract(split + UPGRADE), "CUL202")
    assert finding.severity.value == "error"
