// OpenZeppelin Contracts for Cairo v0.8.0 .. v4.0.0-rc.1: `openzeppelin_introspection::src5::SRC5Component`
// (`src/introspection/src5.cairo` before v0.15.0). Storage unchanged over the range (`LegacyMap`
// before v0.15.0, `Map` since: the same addresses).

#[starknet::component]
pub mod SRC5Component {
    #[storage]
    pub struct Storage {
        pub SRC5_supported_interfaces: Map<felt252, bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {}

    #[embeddable_as(SRC5Impl)]
    impl SRC5<TContractState, +HasComponent<TContractState>> of ISRC5<ComponentState<TContractState>> {
        fn supports_interface(self: @ComponentState<TContractState>, interface_id: felt252) -> bool {
            self.SRC5_supported_interfaces.read(interface_id)
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn register_interface(ref self: ComponentState<TContractState>, interface_id: felt252) {
            self.SRC5_supported_interfaces.write(interface_id, true);
        }
        fn deregister_interface(ref self: ComponentState<TContractState>, interface_id: felt252) {
            self.SRC5_supported_interfaces.write(interface_id, false);
        }
    }
}
