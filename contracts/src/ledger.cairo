// Ledger implementations served behind LedgerProxy. Through the proxy they run as library calls
// on the PROXY's storage, so their storage names (`ledger_*`) must never alias the proxy's
// (`proxy_*`), and their entry point names must never be the proxy's admin names (`proxy_*`).
use starknet::ContractAddress;

#[starknet::interface]
trait ILedger<TContractState> {
    fn deposit(ref self: TContractState, amount: u128);
    fn withdraw(ref self: TContractState, amount: u128);
    fn balance_of(self: @TContractState, account: ContractAddress) -> u128;
    fn ledger_version(self: @TContractState) -> felt252;
}

#[starknet::contract]
mod LedgerV1 {
    use starknet::ContractAddress;
    use starknet::get_caller_address;

    #[storage]
    struct Storage {
        ledger_balances: LegacyMap<ContractAddress, u128>,
    }

    #[external(v0)]
    impl LedgerImpl of super::ILedger<ContractState> {
        fn deposit(ref self: ContractState, amount: u128) {
            assert(amount > 0, 'amount is zero');
            let account = get_caller_address();
            self.ledger_balances.write(account, self.ledger_balances.read(account) + amount);
        }

        fn withdraw(ref self: ContractState, amount: u128) {
            let account = get_caller_address();
            let balance = self.ledger_balances.read(account);
            assert(balance >= amount, 'insufficient balance');
            self.ledger_balances.write(account, balance - amount);
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u128 {
            self.ledger_balances.read(account)
        }

        fn ledger_version(self: @ContractState) -> felt252 {
            1
        }
    }
}

// Version 2: same storage, adds a per-deposit risk limit.
#[starknet::contract]
mod LedgerV2 {
    use starknet::ContractAddress;
    use starknet::get_caller_address;

    const MAX_DEPOSIT: u128 = 1000000;

    #[storage]
    struct Storage {
        ledger_balances: LegacyMap<ContractAddress, u128>,
    }

    #[external(v0)]
    impl LedgerImpl of super::ILedger<ContractState> {
        fn deposit(ref self: ContractState, amount: u128) {
            assert(amount > 0, 'amount is zero');
            assert(amount <= MAX_DEPOSIT, 'deposit above limit');
            let account = get_caller_address();
            self.ledger_balances.write(account, self.ledger_balances.read(account) + amount);
        }

        fn withdraw(ref self: ContractState, amount: u128) {
            let account = get_caller_address();
            let balance = self.ledger_balances.read(account);
            assert(balance >= amount, 'insufficient balance');
            self.ledger_balances.write(account, balance - amount);
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u128 {
            self.ledger_balances.read(account)
        }

        fn ledger_version(self: @ContractState) -> felt252 {
            2
        }
    }
}
