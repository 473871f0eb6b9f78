// OpenZeppelin Contracts for Cairo v0.8.0 .. v4.0.0-rc.1: `openzeppelin_upgrades::upgradeable::UpgradeableComponent`.
// No storage over the range; `upgrade` since v0.8.0, `upgrade_and_call` since v0.20.0.

#[starknet::component]
pub mod UpgradeableComponent {
    #[storage]
    pub struct Storage {}

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Upgraded: Upgraded,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Upgraded {
        pub class_hash: ClassHash,
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn upgrade(ref self: ComponentState<TContractState>, new_class_hash: ClassHash) {
            assert(!new_class_hash.is_zero(), 'Class hash cannot be zero');
            starknet::syscalls::replace_class_syscall(new_class_hash).unwrap_syscall();
        }
        fn upgrade_and_call(ref self: ComponentState<TContractState>, new_class_hash: ClassHash, selector: felt252, calldata: Span<felt252>) -> Span<felt252> {
            self.upgrade(new_class_hash);
            starknet::syscalls::call_contract_syscall(get_contract_address(), selector, calldata).unwrap_syscall()
        }
    }
}
