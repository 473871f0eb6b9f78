// OpenZeppelin Contracts for Cairo v0.10.0 .. v4.0.0-rc.1: `openzeppelin_token::erc20::ERC20Component`.
// `ERC20_name` and `ERC20_symbol` are `ByteArray` since v0.10.0 (`felt252` in v0.8.0 and v0.9.0, another
// encoding); the other members are unchanged since v0.8.0 (`LegacyMap` before v0.15.0: the same addresses).

#[starknet::component]
pub mod ERC20Component {
    #[storage]
    pub struct Storage {
        pub ERC20_name: ByteArray,
        pub ERC20_symbol: ByteArray,
        pub ERC20_total_supply: u256,
        pub ERC20_balances: Map<ContractAddress, u256>,
        pub ERC20_allowances: Map<(ContractAddress, ContractAddress), u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Transfer: Transfer,
        Approval: Approval,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Transfer {
        #[key]
        pub from: ContractAddress,
        #[key]
        pub to: ContractAddress,
        pub value: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Approval {
        #[key]
        pub owner: ContractAddress,
        #[key]
        pub spender: ContractAddress,
        pub value: u256,
    }

    #[embeddable_as(ERC20Impl)]
    impl ERC20<TContractState, +HasComponent<TContractState>> of IERC20<ComponentState<TContractState>> {
        fn total_supply(self: @ComponentState<TContractState>) -> u256 { self.ERC20_total_supply.read() }
        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC20_balances.read(account) }
        fn allowance(self: @ComponentState<TContractState>, owner: ContractAddress, spender: ContractAddress) -> u256 { self.ERC20_allowances.read((owner, spender)) }
        fn transfer(ref self: ComponentState<TContractState>, recipient: ContractAddress, amount: u256) -> bool { self.ERC20_balances.write(recipient, amount); true }
        fn transfer_from(ref self: ComponentState<TContractState>, sender: ContractAddress, recipient: ContractAddress, amount: u256) -> bool { self.ERC20_balances.write(recipient, amount); true }
        fn approve(ref self: ComponentState<TContractState>, spender: ContractAddress, amount: u256) -> bool { self.ERC20_allowances.write((get_caller_address(), spender), amount); true }
    }

    #[embeddable_as(ERC20MetadataImpl)]
    impl ERC20Metadata<TContractState, +HasComponent<TContractState>> of IERC20Metadata<ComponentState<TContractState>> {
        fn name(self: @ComponentState<TContractState>) -> ByteArray { self.ERC20_name.read() }
        fn symbol(self: @ComponentState<TContractState>) -> ByteArray { self.ERC20_symbol.read() }
        fn decimals(self: @ComponentState<TContractState>) -> u8 { 18 }
    }

    #[embeddable_as(ERC20CamelOnlyImpl)]
    impl ERC20CamelOnly<TContractState, +HasComponent<TContractState>> of IERC20CamelOnly<ComponentState<TContractState>> {
        fn totalSupply(self: @ComponentState<TContractState>) -> u256 { self.ERC20_total_supply.read() }
        fn balanceOf(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC20_balances.read(account) }
        fn transferFrom(ref self: ComponentState<TContractState>, sender: ContractAddress, recipient: ContractAddress, amount: u256) -> bool { self.ERC20_balances.write(recipient, amount); true }
    }

    #[embeddable_as(ERC20MixinImpl)]
    impl ERC20Mixin<TContractState, +HasComponent<TContractState>> of ERC20ABI<ComponentState<TContractState>> {
        fn total_supply(self: @ComponentState<TContractState>) -> u256 { self.ERC20_total_supply.read() }
        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC20_balances.read(account) }
        fn allowance(self: @ComponentState<TContractState>, owner: ContractAddress, spender: ContractAddress) -> u256 { self.ERC20_allowances.read((owner, spender)) }
        fn transfer(ref self: ComponentState<TContractState>, recipient: ContractAddress, amount: u256) -> bool { self.ERC20_balances.write(recipient, amount); true }
        fn transfer_from(ref self: ComponentState<TContractState>, sender: ContractAddress, recipient: ContractAddress, amount: u256) -> bool { self.ERC20_balances.write(recipient, amount); true }
        fn approve(ref self: ComponentState<TContractState>, spender: ContractAddress, amount: u256) -> bool { self.ERC20_allowances.write((get_caller_address(), spender), amount); true }
        fn name(self: @ComponentState<TContractState>) -> ByteArray { self.ERC20_name.read() }
        fn symbol(self: @ComponentState<TContractState>) -> ByteArray { self.ERC20_symbol.read() }
        fn decimals(self: @ComponentState<TContractState>) -> u8 { 18 }
        fn totalSupply(self: @ComponentState<TContractState>) -> u256 { self.ERC20_total_supply.read() }
        fn balanceOf(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC20_balances.read(account) }
        fn transferFrom(ref self: ComponentState<TContractState>, sender: ContractAddress, recipient: ContractAddress, amount: u256) -> bool { self.ERC20_balances.write(recipient, amount); true }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, name: ByteArray, symbol: ByteArray) {
            self.ERC20_name.write(name);
            self.ERC20_symbol.write(symbol);
        }
        fn mint(ref self: ComponentState<TContractState>, recipient: ContractAddress, amount: u256) {
            self.ERC20_total_supply.write(amount);
            self.ERC20_balances.write(recipient, amount);
        }
        fn burn(ref self: ComponentState<TContractState>, account: ContractAddress, amount: u256) {
            self.ERC20_total_supply.write(amount);
            self.ERC20_balances.write(account, amount);
        }
    }
}
