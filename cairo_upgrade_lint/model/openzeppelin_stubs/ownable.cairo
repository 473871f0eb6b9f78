// OpenZeppelin Contracts for Cairo v0.9.0 .. v4.0.0-rc.1: `openzeppelin_access::ownable::OwnableComponent`.
// `Ownable_pending_owner` and the two-step impl exist since v0.9.0 (v0.8.0 stored only `Ownable_owner`).
// Not described: `OwnableTwoStepCamelOnlyImpl` and `OwnableTwoStepMixinImpl`.

#[starknet::component]
pub mod OwnableComponent {
    #[storage]
    pub struct Storage {
        pub Ownable_owner: ContractAddress,
        pub Ownable_pending_owner: ContractAddress,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        OwnershipTransferred: OwnershipTransferred,
        OwnershipTransferStarted: OwnershipTransferStarted,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferred {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferStarted {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
    }

    #[embeddable_as(OwnableImpl)]
    impl Ownable<TContractState, +HasComponent<TContractState>> of IOwnable<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_owner.read()
        }
        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(new_owner);
        }
        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[embeddable_as(OwnableCamelOnlyImpl)]
    impl OwnableCamelOnly<TContractState, +HasComponent<TContractState>> of IOwnableCamelOnly<ComponentState<TContractState>> {
        fn transferOwnership(ref self: ComponentState<TContractState>, newOwner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(newOwner);
        }
        fn renounceOwnership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[embeddable_as(OwnableMixinImpl)]
    impl OwnableMixin<TContractState, +HasComponent<TContractState>> of OwnableABI<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_owner.read()
        }
        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(new_owner);
        }
        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
        fn transferOwnership(ref self: ComponentState<TContractState>, newOwner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(newOwner);
        }
        fn renounceOwnership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[embeddable_as(OwnableTwoStepImpl)]
    impl OwnableTwoStep<TContractState, +HasComponent<TContractState>> of IOwnableTwoStep<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_owner.read()
        }
        fn pending_owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_pending_owner.read()
        }
        fn accept_ownership(ref self: ComponentState<TContractState>) {
            assert(get_caller_address() == self.Ownable_pending_owner.read(), 'Caller is not the pending owner');
            self._transfer_ownership(get_caller_address());
        }
        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            self._propose_owner(new_owner);
        }
        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, owner: ContractAddress) {
            assert(!owner.is_zero(), 'New owner is the zero address');
            self._transfer_ownership(owner);
        }
        fn assert_only_owner(self: @ComponentState<TContractState>) {
            let caller = get_caller_address();
            assert(!caller.is_zero(), 'Caller is the zero address');
            assert(caller == self.Ownable_owner.read(), 'Caller is not the owner');
        }
        fn _transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.Ownable_pending_owner.write(Zero::zero());
            self.Ownable_owner.write(new_owner);
        }
        fn _propose_owner(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.Ownable_pending_owner.write(new_owner);
        }
    }
}
