// OpenZeppelin Contracts for Cairo v0.10.0 .. v4.0.0-rc.1: `openzeppelin_token::erc721::ERC721Component`.
// `ByteArray` names and `ERC721_base_uri` since v0.10.0 (v0.8.0 and v0.9.0 stored `felt252` names and
// `ERC721_token_uri: LegacyMap<u256, felt252>`).

#[starknet::component]
pub mod ERC721Component {
    #[storage]
    pub struct Storage {
        pub ERC721_name: ByteArray,
        pub ERC721_symbol: ByteArray,
        pub ERC721_owners: Map<u256, ContractAddress>,
        pub ERC721_balances: Map<ContractAddress, u256>,
        pub ERC721_token_approvals: Map<u256, ContractAddress>,
        pub ERC721_operator_approvals: Map<(ContractAddress, ContractAddress), bool>,
        pub ERC721_base_uri: ByteArray,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Transfer: Transfer,
        Approval: Approval,
        ApprovalForAll: ApprovalForAll,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Transfer {
        #[key]
        pub from: ContractAddress,
        #[key]
        pub to: ContractAddress,
        #[key]
        pub token_id: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Approval {
        #[key]
        pub owner: ContractAddress,
        #[key]
        pub approved: ContractAddress,
        #[key]
        pub token_id: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ApprovalForAll {
        #[key]
        pub owner: ContractAddress,
        #[key]
        pub operator: ContractAddress,
        pub approved: bool,
    }

    #[embeddable_as(ERC721Impl)]
    impl ERC721<TContractState, +HasComponent<TContractState>> of IERC721<ComponentState<TContractState>> {
        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC721_balances.read(account) }
        fn owner_of(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_owners.read(token_id) }
        fn safe_transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256, data: Span<felt252>) { self.ERC721_owners.write(token_id, to); }
        fn transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256) { self.ERC721_owners.write(token_id, to); }
        fn approve(ref self: ComponentState<TContractState>, to: ContractAddress, token_id: u256) { self.ERC721_token_approvals.write(token_id, to); }
        fn set_approval_for_all(ref self: ComponentState<TContractState>, operator: ContractAddress, approved: bool) { self.ERC721_operator_approvals.write((get_caller_address(), operator), approved); }
        fn get_approved(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_token_approvals.read(token_id) }
        fn is_approved_for_all(self: @ComponentState<TContractState>, owner: ContractAddress, operator: ContractAddress) -> bool { self.ERC721_operator_approvals.read((owner, operator)) }
    }

    #[embeddable_as(ERC721MetadataImpl)]
    impl ERC721Metadata<TContractState, +HasComponent<TContractState>> of IERC721Metadata<ComponentState<TContractState>> {
        fn name(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_name.read() }
        fn symbol(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_symbol.read() }
        fn token_uri(self: @ComponentState<TContractState>, token_id: u256) -> ByteArray { self.ERC721_base_uri.read() }
    }

    #[embeddable_as(ERC721MixinImpl)]
    impl ERC721Mixin<TContractState, +HasComponent<TContractState>> of ERC721ABI<ComponentState<TContractState>> {
        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC721_balances.read(account) }
        fn owner_of(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_owners.read(token_id) }
        fn safe_transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256, data: Span<felt252>) { self.ERC721_owners.write(token_id, to); }
        fn transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256) { self.ERC721_owners.write(token_id, to); }
        fn approve(ref self: ComponentState<TContractState>, to: ContractAddress, token_id: u256) { self.ERC721_token_approvals.write(token_id, to); }
        fn set_approval_for_all(ref self: ComponentState<TContractState>, operator: ContractAddress, approved: bool) { self.ERC721_operator_approvals.write((get_caller_address(), operator), approved); }
        fn get_approved(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_token_approvals.read(token_id) }
        fn is_approved_for_all(self: @ComponentState<TContractState>, owner: ContractAddress, operator: ContractAddress) -> bool { self.ERC721_operator_approvals.read((owner, operator)) }
        fn name(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_name.read() }
        fn symbol(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_symbol.read() }
        fn token_uri(self: @ComponentState<TContractState>, token_id: u256) -> ByteArray { self.ERC721_base_uri.read() }
        fn balanceOf(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC721_balances.read(account) }
        fn ownerOf(self: @ComponentState<TContractState>, tokenId: u256) -> ContractAddress { self.ERC721_owners.read(tokenId) }
        fn safeTransferFrom(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, tokenId: u256, data: Span<felt252>) { self.ERC721_owners.write(tokenId, to); }
        fn transferFrom(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, tokenId: u256) { self.ERC721_owners.write(tokenId, to); }
        fn setApprovalForAll(ref self: ComponentState<TContractState>, operator: ContractAddress, approved: bool) { self.ERC721_operator_approvals.write((get_caller_address(), operator), approved); }
        fn getApproved(self: @ComponentState<TContractState>, tokenId: u256) -> ContractAddress { self.ERC721_token_approvals.read(tokenId) }
        fn isApprovedForAll(self: @ComponentState<TContractState>, owner: ContractAddress, operator: ContractAddress) -> bool { self.ERC721_operator_approvals.read((owner, operator)) }
        fn tokenURI(self: @ComponentState<TContractState>, tokenId: u256) -> ByteArray { self.ERC721_base_uri.read() }
        fn supports_interface(self: @ComponentState<TContractState>, interface_id: felt252) -> bool { true }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, name: ByteArray, symbol: ByteArray, base_uri: ByteArray) {
            self.ERC721_name.write(name);
            self.ERC721_symbol.write(symbol);
            self.ERC721_base_uri.write(base_uri);
        }
        fn mint(ref self: ComponentState<TContractState>, to: ContractAddress, token_id: u256) {
            self.ERC721_owners.write(token_id, to);
        }
        fn burn(ref self: ComponentState<TContractState>, token_id: u256) {
            self.ERC721_owners.write(token_id, Zero::zero());
        }
    }
}
