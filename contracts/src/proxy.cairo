// Forwarding proxy. Cairo 2 has no fallback (`__default__`) entry point, so the proxy declares
// every forwarded function BY NAME and delegates it to the current implementation class with
// library_call_syscall (the implementation's code on the proxy's storage). A function the proxy
// does not name cannot be reached through it, whatever the implementation adds.
//
// Naming rules that keep the two halves apart:
// - admin entry points are `proxy_*`; implementations must not use that prefix, or the proxy's
//   admin function would shadow theirs (one selector, one function per class);
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
    fn proxy_change_admin(ref self: TContractState, new_admin: ContractAddress);
    fn proxy_admin(self: @TContractState) -> ContractAddress;
    fn proxy_implementation(self: @TContractState) -> ClassHash;
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
        proxy_admin: ContractAddress,
        proxy_implementation: ClassHash,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        ImplementationUpgraded: ImplementationUpgraded,
        AdminChanged: AdminChanged,
    }

    #[derive(Drop, starknet::Event)]
    struct ImplementationUpgraded {
        previous_implementation: ClassHash,
        new_implementation: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct AdminChanged {
        previous_admin: ContractAddress,
        new_admin: ContractAddress,
    }

    #[constructor]
    fn constructor(ref self: ContractState, admin: ContractAddress, implementation: ClassHash) {
        assert(admin.is_non_zero(), 'admin is zero');
        assert(implementation.is_non_zero(), 'implementation is zero');
        self.proxy_admin.write(admin);
        self.proxy_implementation.write(implementation);
    }

    #[external(v0)]
    impl LedgerProxyImpl of super::ILedgerProxy<ContractState> {
        fn deposit(ref self: ContractState, amount: u128) {
            let mut calldata = ArrayTrait::new();
            amount.serialize(ref calldata);
            self.delegate(DEPOSIT_SELECTOR, calldata);
        }

        fn withdraw(ref self: ContractState, amount: u128) {
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
            self.assert_only_admin();
            assert(new_implementation.is_non_zero(), 'implementation is zero');
            let previous_implementation = self.proxy_implementation.read();
            self.proxy_implementation.write(new_implementation);
            self
                .emit(
                    Event::ImplementationUpgraded(
                        ImplementationUpgraded { previous_implementation, new_implementation }
                    )
                );
        }

        fn proxy_change_admin(ref self: ContractState, new_admin: ContractAddress) {
            self.assert_only_admin();
            assert(new_admin.is_non_zero(), 'admin is zero');
            let previous_admin = self.proxy_admin.read();
            self.proxy_admin.write(new_admin);
            self.emit(Event::AdminChanged(AdminChanged { previous_admin, new_admin }));
        }

        fn proxy_admin(self: @ContractState) -> ContractAddress {
            self.proxy_admin.read()
        }

        fn proxy_implementation(self: @ContractState) -> ClassHash {
            self.proxy_implementation.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn assert_only_admin(self: @ContractState) {
            assert(get_caller_address() == self.proxy_admin.read(), 'caller is not proxy admin');
        }

        // The library call keeps the proxy's caller, so the implementation sees the real user.
        fn delegate(self: @ContractState, selector: felt252, calldata: Array<felt252>) -> Span<felt252> {
            library_call_syscall(self.proxy_implementation.read(), selector, calldata.span())
                .unwrap_syscall()
        }
    }
}
