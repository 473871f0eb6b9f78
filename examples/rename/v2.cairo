// Ledger v2 (Cairo 2.1): the candidate. `balances` is renamed `user_balances`, `treasury` is
// renamed `fee_collector`, and Position gains `leverage` in the MIDDLE: without a migration,
// every balance and every treasury reads zero and every position is misread.
use starknet::ClassHash;
use starknet::ContractAddress;

#[derive(Copy, Drop, Serde, starknet::Store)]
struct Position {
    amount: u128,
    leverage: u8,
    opened_at: u64,
}

#[starknet::interface]
trait ILedger<TContractState> {
    fn deposit(ref self: TContractState, amount: u128);
    fn balance_of(self: @TContractState, user: ContractAddress) -> u128;
    fn position_of(self: @TContractState, user: ContractAddress) -> Position;
    fn fee_recipient(self: @TContractState) -> ContractAddress;
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
}

#[starknet::contract]
mod Ledger {
    use starknet::ClassHash;
    use starknet::ContractAddress;
    use starknet::get_block_timestamp;
    use starknet::get_caller_address;
    use starknet::syscalls::replace_class_syscall;
    use result::ResultTrait;
    use zeroable::Zeroable;
    use super::Position;

    #[storage]
    struct Storage {
        owner: ContractAddress,
        fee_collector: ContractAddress,
        users: LegacyMap<u64, ContractAddress>,
        user_count: u64,
        known: LegacyMap<ContractAddress, bool>,
        user_balances: LegacyMap<ContractAddress, u128>,
        positions: LegacyMap<ContractAddress, Position>,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, fee_collector: ContractAddress) {
        self.owner.write(owner);
        self.fee_collector.write(fee_collector);
    }

    #[external(v0)]
    impl LedgerImpl of super::ILedger<ContractState> {
        fn deposit(ref self: ContractState, amount: u128) {
            let caller = get_caller_address();
            if !self.known.read(caller) {
                self.known.write(caller, true);
                let count = self.user_count.read();
                self.users.write(count, caller);
                self.user_count.write(count + 1);
            }
            self.user_balances.write(caller, self.user_balances.read(caller) + amount);
            let position = self.positions.read(caller);
            self.positions.write(
                caller, Position { amount: position.amount + amount, leverage: 1, opened_at: get_block_timestamp() }
            );
        }

        fn balance_of(self: @ContractState, user: ContractAddress) -> u128 {
            self.user_balances.read(user)
        }

        fn position_of(self: @ContractState, user: ContractAddress) -> Position {
            self.positions.read(user)
        }

        fn fee_recipient(self: @ContractState) -> ContractAddress {
            self.fee_collector.read()
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            assert(get_caller_address() == self.owner.read(), 'only owner');
            assert(!new_class_hash.is_zero(), 'class hash is zero');
            replace_class_syscall(new_class_hash).unwrap();
        }
    }
}
