// Governed transparent proxy. Cairo 2 has no fallback (`__default__`) entry point, so the proxy
// declares every forwarded function BY NAME and delegates it to the current implementation class
// with library_call_syscall (the implementation's code on the proxy's storage). A function the
// proxy does not name cannot be reached through it, whatever the implementation adds.
//
// Who controls it:
//   proxy_upgrade(class)  the Governance contract only, i.e. a proposal with >= threshold
//                         signatures and the 48 h timelock; the replaced class is pushed onto the
//                         implementation history
//   proxy_pause()         the emergency council or governance: forwarded state-changing calls
//                         (deposit, withdraw) are refused; views keep working
//   proxy_rollback()      the emergency council or governance: back to the last class of the
//                         history (only ever a class governance installed before), and paused
//   proxy_resume()        governance only
// Every change emits an event (ImplementationUpgraded, ImplementationRolledBack, ProxyPaused,
// ProxyResumed).
//
// Naming rules that keep the two halves apart ("transparent"):
// - admin entry points are `proxy_*`; implementations must not use that prefix, or the proxy's
//   admin function would shadow theirs (one selector, one function per class; the tests check
//   every compiled implementation);
// - proxy storage members are `proxy_*`, implementation members `ledger_*`: both live in the
//   proxy's storage and a shared name would be a shared address.
use starknet::ClassHash;
use starknet::ContractAddress;

// Selectors of the forwarded ILedger functions: sn_keccak of each name (Cairo 2.1 has no
// `selector!`; a wrong constant would fail every forwarded call in the tests).
const DEPOSIT_SELECTOR: felt252 = 0xc73f681176fc7b3f9693986fd7b14581e8d540519e27400e88b8713932be01;
const WITHDRAW_SELECTOR: felt252 = 0x15511cc3694f64379908437d6d64458dc76d02482052bfb8a5b33a72c054c77;
const BALANCE_OF_SELECTOR: felt252 =
    0x35a73cd311a05d46deda634c5ee045db92f811b4e74bca4437fcb5302b7af33;
const LEDGER_VERSION_SELECTOR: felt252 =
    0x154de2ddfeba1da32d72672e301216df7429af8ad6d7cc966f3857879536e04;

#[starknet::interface]
trait ILedgerProxy<TContractState> {
    // Forwarded to the implementation.
    fn deposit(ref self: TContractState, amount: u128);
    fn withdraw(ref self: TContractState, amount: u128);
    fn balance_of(self: @TContractState, account: ContractAddress) -> u128;
    fn ledger_version(self: @TContractState) -> felt252;
    // The proxy's own.
    fn proxy_upgrade(ref self: TContractState, new_implementation: ClassHash);
    fn proxy_rollback(ref self: TContractState);
    fn proxy_pause(ref self: TContractState);
    fn proxy_resume(ref self: TContractState);
    fn proxy_governance(self: @TContractState) -> ContractAddress;
    fn proxy_emergency(self: @TContractState) -> ContractAddress;
    fn proxy_implementation(self: @TContractState) -> ClassHash;
    fn proxy_history_len(self: @TContractState) -> u32;
    fn proxy_history(self: @TContractState, index: u32) -> ClassHash;
    fn proxy_is_paused(self: @TContractState) -> bool;
}

#[starknet::contract]
mod LedgerProxy {
    use array::ArrayTrait;
    use array::SpanTrait;
    use option::OptionTrait;
    use serde::Serde;
    use starknet::ClassHash;
    use starknet::ContractAddress;
    use starknet::get_caller_address;
    use starknet::syscalls::library_call_syscall;
    use zeroable::Zeroable;
    use super::{DEPOSIT_SELECTOR, WITHDRAW_SELECTOR, BALANCE_OF_SELECTOR, LEDGER_VERSION_SELECTOR};

    #[storage]
    struct Storage {
        proxy_governance: ContractAddress,
        proxy_emergency: ContractAddress,
        proxy_implementation: ClassHash,
        proxy_history: LegacyMap<u32, ClassHash>,
        proxy_history_len: u32,
        proxy_paused: bool,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        ImplementationUpgraded: ImplementationUpgraded,
        ImplementationRolledBack: ImplementationRolledBack,
        ProxyPaused: ProxyPaused,
        ProxyResumed: ProxyResumed,
    }

    #[derive(Drop, starknet::Event)]
    struct ImplementationUpgraded {
        previous_implementation: ClassHash,
        new_implementation: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct ImplementationRolledBack {
        from_implementation: ClassHash,
        to_implementation: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct ProxyPaused {
        by: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct ProxyResumed {
        by: ContractAddress,
    }

    #[constructor]
    fn constructor(
        ref self: ContractState,
        governance: ContractAddress,
        emergency: ContractAddress,
        implementation: ClassHash
    ) {
        assert(governance.is_non_zero(), 'governance is zero');
        assert(emergency.is_non_zero(), 'emergency is zero');
        assert(implementation.is_non_zero(), 'implementation is zero');
        self.proxy_governance.write(governance);
        self.proxy_emergency.write(emergency);
        self.proxy_implementation.write(implementation);
    }

    #[external(v0)]
    impl LedgerProxyImpl of super::ILedgerProxy<ContractState> {
        fn deposit(ref self: ContractState, amount: u128) {
            self.assert_not_paused();
            let mut calldata = ArrayTrait::new();
            amount.serialize(ref calldata);
            self.delegate(DEPOSIT_SELECTOR, calldata);
        }

        fn withdraw(ref self: ContractState, amount: u128) {
            self.assert_not_paused();
            let mut calldata = ArrayTrait::new();
            amount.serialize(ref calldata);
            self.delegate(WITHDRAW_SELECTOR, calldata);
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u128 {
            let mut calldata = ArrayTrait::new();
            account.serialize(ref calldata);
            let mut result = self.delegate(BALANCE_OF_SELECTOR, calldata);
            Serde::<u128>::deserialize(ref result).expect('bad implementation return')
        }

        fn ledger_version(self: @ContractState) -> felt252 {
            let mut result = self.delegate(LEDGER_VERSION_SELECTOR, ArrayTrait::new());
            Serde::<felt252>::deserialize(ref result).expect('bad implementation return')
        }

        fn proxy_upgrade(ref self: ContractState, new_implementation: ClassHash) {
            self.assert_only_governance();
            assert(new_implementation.is_non_zero(), 'implementation is zero');
            let previous_implementation = self.proxy_implementation.read();
            assert(new_implementation != previous_implementation, 'implementation already current');
            let len = self.proxy_history_len.read();
            self.proxy_history.write(len, previous_implementation);
            self.proxy_history_len.write(len + 1);
            self.install(new_implementation);
            self
                .emit(
                    Event::ImplementationUpgraded(
                        ImplementationUpgraded { previous_implementation, new_implementation }
                    )
                );
        }

        fn proxy_rollback(ref self: ContractState) {
            self.assert_emergency_or_governance();
            let len = self.proxy_history_len.read();
            assert(len > 0, 'no previous implementation');
            let to_implementation = self.proxy_history.read(len - 1);
            self.proxy_history.write(len - 1, Zeroable::zero());
            self.proxy_history_len.write(len - 1);
            let from_implementation = self.proxy_implementation.read();
            self.install(to_implementation);
            // The restored code must not serve writes before governance has looked at the state.
            if !self.proxy_paused.read() {
                self.proxy_paused.write(true);
                self.emit(Event::ProxyPaused(ProxyPaused { by: get_caller_address() }));
            }
            self
                .emit(
                    Event::ImplementationRolledBack(
                        ImplementationRolledBack { from_implementation, to_implementation }
                    )
                );
        }

        fn proxy_pause(ref self: ContractState) {
            self.assert_emergency_or_governance();
            assert(!self.proxy_paused.read(), 'already paused');
            self.proxy_paused.write(true);
            self.emit(Event::ProxyPaused(ProxyPaused { by: get_caller_address() }));
        }

        fn proxy_resume(ref self: ContractState) {
            self.assert_only_governance();
            assert(self.proxy_paused.read(), 'not paused');
            self.proxy_paused.write(false);
            self.emit(Event::ProxyResumed(ProxyResumed { by: get_caller_address() }));
        }

        fn proxy_governance(self: @ContractState) -> ContractAddress {
            self.proxy_governance.read()
        }

        fn proxy_emergency(self: @ContractState) -> ContractAddress {
            self.proxy_emergency.read()
        }

        fn proxy_implementation(self: @ContractState) -> ClassHash {
            self.proxy_implementation.read()
        }

        fn proxy_history_len(self: @ContractState) -> u32 {
            self.proxy_history_len.read()
        }

        fn proxy_history(self: @ContractState, index: u32) -> ClassHash {
            self.proxy_history.read(index)
        }

        fn proxy_is_paused(self: @ContractState) -> bool {
            self.proxy_paused.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn assert_only_governance(self: @ContractState) {
            assert(get_caller_address() == self.proxy_governance.read(), 'caller is not governance');
        }

        fn assert_emergency_or_governance(self: @ContractState) {
            let caller = get_caller_address();
            assert(
                caller == self.proxy_emergency.read() || caller == self.proxy_governance.read(),
                'caller is not emergency'
            );
        }

        // The only writer of `proxy_implementation` after construction.
        fn install(ref self: ContractState, implementation: ClassHash) {
            assert(implementation.is_non_zero(), 'implementation is zero');
            self.proxy_implementation.write(implementation);
        }

        fn assert_not_paused(self: @ContractState) {
            assert(!self.proxy_paused.read(), 'proxy paused');
        }

        // The library call keeps the proxy's caller, so the implementation sees the real user.
        fn delegate(self: @ContractState, selector: felt252, calldata: Array<felt252>) -> Span<felt252> {
            library_call_syscall(self.proxy_implementation.read(), selector, calldata.span())
                .unwrap_syscall()
        }
    }
}
