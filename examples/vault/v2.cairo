// Vault v2: the candidate upgrade. It looks harmless; it is not.
use starknet::{ClassHash, ContractAddress};

#[derive(Copy, Drop, Serde, starknet::Store)]
pub struct Position {
    pub amount: u128,
    pub leverage: u8,
    pub opened_at: u64,
}

#[starknet::interface]
pub trait IVault<TContractState> {
    fn deposit(ref self: TContractState, amount: u256);
    fn position_of(self: @TContractState, user: ContractAddress) -> Position;
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
}

#[starknet::contract]
pub mod Vault {
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess};
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use starknet::{ClassHash, ContractAddress, get_block_timestamp, get_caller_address};
    use starknet::syscalls::replace_class_syscall;
    use super::Position;

    #[storage]
    struct Storage {
        owner: ContractAddress,
        user_balances: Map<ContractAddress, u128>,
        positions: Map<ContractAddress, Position>,
        total_deposits: u128,
        fee_bps: u16,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.owner.write(owner);
        self.fee_bps.write(30);
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn deposit(ref self: ContractState, amount: u256) {
            let amount: u128 = amount.try_into().unwrap();
            let caller = get_caller_address();
            self.user_balances.write(caller, self.user_balances.read(caller) + amount);
            let position = Position { amount, leverage: 1, opened_at: get_block_timestamp() };
            self.positions.write(caller, position);
            self.total_deposits.write(self.total_deposits.read() + amount);
        }

        fn position_of(self: @ContractState, user: ContractAddress) -> Position {
            self.positions.read(user)
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            replace_class_syscall(new_class_hash).unwrap();
        }
    }
}
