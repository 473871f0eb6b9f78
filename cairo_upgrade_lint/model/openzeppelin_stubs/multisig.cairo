// OpenZeppelin Contracts for Cairo v0.19.0 .. v4.0.0-rc.1: `openzeppelin_governance::multisig::MultisigComponent`
// (first released in v0.19.0). Storage unchanged over the range.

#[starknet::component]
pub mod MultisigComponent {
    pub type TransactionID = felt252;

    #[derive(Copy, Drop, Serde)]
    pub struct SignersInfo {
        pub quorum: u32,
        pub signers_count: u32,
    }

    #[derive(Copy, Drop, Serde)]
    pub struct TxInfo {
        pub is_executed: bool,
        pub submitted_block: u64,
    }

    impl SignersInfoStorePacking of StorePacking<SignersInfo, u128> {}
    impl TxInfoStorePacking of StorePacking<TxInfo, u128> {}

    #[storage]
    pub struct Storage {
        pub Multisig_signers_info: SignersInfo,
        pub Multisig_is_signer: Map<ContractAddress, bool>,
        pub Multisig_signers_by_index: Map<u32, ContractAddress>,
        pub Multisig_signers_indices: Map<ContractAddress, u32>,
        pub Multisig_tx_info: Map<TransactionID, TxInfo>,
        pub Multisig_tx_confirmed_by: Map<(TransactionID, ContractAddress), bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        SignerAdded: SignerAdded,
        SignerRemoved: SignerRemoved,
        QuorumUpdated: QuorumUpdated,
        TransactionSubmitted: TransactionSubmitted,
        TransactionConfirmed: TransactionConfirmed,
        TransactionExecuted: TransactionExecuted,
        ConfirmationRevoked: ConfirmationRevoked,
    }

    #[derive(Drop, starknet::Event)]
    pub struct SignerAdded {
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct SignerRemoved {
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct QuorumUpdated {
        pub old_quorum: u32,
        pub new_quorum: u32,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TransactionSubmitted {
        #[key]
        pub id: TransactionID,
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TransactionConfirmed {
        #[key]
        pub id: TransactionID,
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TransactionExecuted {
        #[key]
        pub id: TransactionID,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ConfirmationRevoked {
        #[key]
        pub id: TransactionID,
        #[key]
        pub signer: ContractAddress,
    }

    #[embeddable_as(MultisigImpl)]
    impl Multisig<TContractState, +HasComponent<TContractState>> of IMultisig<ComponentState<TContractState>> {
        fn get_quorum(self: @ComponentState<TContractState>) -> u32 {
            self.Multisig_signers_info.read().quorum
        }
        fn is_signer(self: @ComponentState<TContractState>, signer: ContractAddress) -> bool {
            self.Multisig_is_signer.read(signer)
        }
        fn add_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_add: Span<ContractAddress>) {
            self.assert_only_self();
            self._add_signers(new_quorum, signers_to_add);
        }
        fn remove_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_remove: Span<ContractAddress>) {
            self.assert_only_self();
            self._remove_signers(new_quorum, signers_to_remove);
        }
        fn replace_signer(ref self: ComponentState<TContractState>, signer_to_remove: ContractAddress, signer_to_add: ContractAddress) {
            self.assert_only_self();
            self.Multisig_is_signer.write(signer_to_remove, false);
            self.Multisig_is_signer.write(signer_to_add, true);
        }
        fn change_quorum(ref self: ComponentState<TContractState>, new_quorum: u32) {
            self.assert_only_self();
            self._change_quorum(new_quorum);
        }
        fn submit_transaction(ref self: ComponentState<TContractState>, to: ContractAddress, selector: felt252, calldata: Span<felt252>, salt: felt252) -> TransactionID {
            self.assert_one_of_signers(get_caller_address());
            self.Multisig_tx_info.write(salt, TxInfo { is_executed: false, submitted_block: 0 });
            salt
        }
        fn confirm_transaction(ref self: ComponentState<TContractState>, id: TransactionID) {
            let caller = get_caller_address();
            self.assert_one_of_signers(caller);
            self.Multisig_tx_confirmed_by.write((id, caller), true);
        }
        fn revoke_confirmation(ref self: ComponentState<TContractState>, id: TransactionID) {
            let caller = get_caller_address();
            self.Multisig_tx_confirmed_by.write((id, caller), false);
        }
        fn execute_transaction(ref self: ComponentState<TContractState>, to: ContractAddress, selector: felt252, calldata: Span<felt252>, salt: felt252) {
            self.assert_one_of_signers(get_caller_address());
            let confirmations: u32 = self.get_transaction_confirmations(salt);
            assert(confirmations >= self.Multisig_signers_info.read().quorum, 'Multisig: tx not confirmed');
            self.Multisig_tx_info.write(salt, TxInfo { is_executed: true, submitted_block: 0 });
            starknet::syscalls::call_contract_syscall(to, selector, calldata).unwrap_syscall();
        }
        fn get_transaction_confirmations(self: @ComponentState<TContractState>, id: TransactionID) -> u32 {
            0
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, quorum: u32, signers: Span<ContractAddress>) {
            self._add_signers(quorum, signers);
        }
        fn assert_one_of_signers(self: @ComponentState<TContractState>, caller: ContractAddress) {
            assert(self.Multisig_is_signer.read(caller), 'Multisig: not a signer');
        }
        fn assert_only_self(self: @ComponentState<TContractState>) {
            assert(get_caller_address() == get_contract_address(), 'Multisig: unauthorized');
        }
        fn _add_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_add: Span<ContractAddress>) {
            self._change_quorum(new_quorum);
        }
        fn _remove_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_remove: Span<ContractAddress>) {
            self._change_quorum(new_quorum);
        }
        fn _change_quorum(ref self: ComponentState<TContractState>, new_quorum: u32) {
            let signers_count = self.Multisig_signers_info.read().signers_count;
            assert(new_quorum <= signers_count, 'Multisig: quorum > signers');
            assert(new_quorum != 0, 'Multisig: quorum cannot be 0');
            self.Multisig_signers_info.write(SignersInfo { quorum: new_quorum, signers_count });
        }
    }
}
