// Vault v1: the version deployed on mainnet.
use starknet::{ClassHash, ContractAddress};

#[derive(Copy, Drop, Serde, starknet::Store)]
pub struct Position {
    pub amount: u128,
    pub opened_at: u64,
}

#[starknet::interface]
pub trait IVault<TContractState> {
    fn deposit(ref self: TContractState, amount: u128);
    fn position_of(self: @TContractState, user: ContractAddress) -> Position;
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
}

#[starknet::contract]
pub mod Vault {
    use core::num::traits::Zero;
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess};
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use starknet::{ClassHash, ContractAddress, get_block_timestamp, get_caller_address};
    use starknet::syscalls::replace_class_syscall;
    use super::Position;

    #[storage]
    struct Storage {
        owner: ContractAddress,
        balances: Map<ContractAddress, u128>,
        positions: Map<ContractAddress, Position>,
        total_deposits: u128,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.owner.write(owner);
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn deposit(ref self: ContractState, amount: u128) {
            let caller = get_caller_address();
            self.balances.write(caller, self.balances.read(caller) + amount);
            let position = Position { amount, opened_at: get_block_timestamp() };
            self.positions.write(caller, position);
            self.total_deposits.write(self.total_deposits.read() + amount);
        }

        fn position_of(self: @ContractState, user: ContractAddress) -> Position {
            self.positions.read(user)
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            assert(get_caller_address() == self.owner.read(), 'only owner');
            assert(!new_class_hash.is_zero(), 'class hash is zero');
            replace_class_syscall(new_class_hash).unwrap();
        }
    }
}
