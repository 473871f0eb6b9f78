// Ledger v1 (Cairo 2.1): the version deployed. Every user is recorded in `users` (index ->
// address) and counted in `user_count`; balances and positions are kept per user.
use starknet::ClassHash;
use starknet::ContractAddress;

#[derive(Copy, Drop, Serde, starknet::Store)]
struct Position {
    amount: u128,
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
        treasury: ContractAddress,
        users: LegacyMap<u64, ContractAddress>,
        user_count: u64,
        known: LegacyMap<ContractAddress, bool>,
        balances: LegacyMap<ContractAddress, u128>,
        positions: LegacyMap<ContractAddress, Position>,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress, treasury: ContractAddress) {
        self.owner.write(owner);
        self.treasury.write(treasury);
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
            self.balances.write(caller, self.balances.read(caller) + amount);
            let position = self.positions.read(caller);
            self.positions.write(caller, Position { amount: position.amount + amount, opened_at: get_block_timestamp() });
        }

        fn balance_of(self: @ContractState, user: ContractAddress) -> u128 {
            self.balances.read(user)
        }

        fn position_of(self: @ContractState, user: ContractAddress) -> Position {
            self.positions.read(user)
        }

        fn fee_recipient(self: @ContractState) -> ContractAddress {
            self.treasury.read()
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            assert(get_caller_address() == self.owner.read(), 'only owner');
            assert(!new_class_hash.is_zero(), 'class hash is zero');
            replace_class_syscall(new_class_hash).unwrap();
        }
    }
}
