// Facets served by the Router through `dispatch` (library calls: the code below runs on the
// ROUTER's storage, with the router's caller as caller). Facet storage names carry a `rewards_`
// prefix so they can never alias the router's own `router_*` members (addresses are sn_keccak of
// the names). Neither facet has a constructor or an upgrade path of its own.
use starknet::ContractAddress;

#[starknet::interface]
trait IRewardsFacet<TContractState> {
    fn record_volume(ref self: TContractState, amount: u64) -> u64;
    fn points_of(self: @TContractState, user: ContractAddress) -> u64;
    fn total_points(self: @TContractState) -> u64;
    fn rewards_version(self: @TContractState) -> felt252;
}

// Version 1: one point per unit of volume.
#[starknet::contract]
mod RewardsFacet {
    use starknet::ContractAddress;
    use starknet::get_caller_address;

    #[storage]
    struct Storage {
        rewards_points: LegacyMap<ContractAddress, u64>,
        rewards_total: u64,
    }

    #[external(v0)]
    impl RewardsFacetImpl of super::IRewardsFacet<ContractState> {
        fn record_volume(ref self: ContractState, amount: u64) -> u64 {
            let user = get_caller_address();
            let points = self.rewards_points.read(user) + amount;
            self.rewards_points.write(user, points);
            self.rewards_total.write(self.rewards_total.read() + amount);
            points
        }

        fn points_of(self: @ContractState, user: ContractAddress) -> u64 {
            self.rewards_points.read(user)
        }

        fn total_points(self: @ContractState) -> u64 {
            self.rewards_total.read()
        }

        fn rewards_version(self: @ContractState) -> felt252 {
            1
        }
    }
}

// Version 2 (installed with `replace_facet`): double points, same storage.
#[starknet::contract]
mod RewardsFacetV2 {
    use starknet::ContractAddress;
    use starknet::get_caller_address;

    const MULTIPLIER: u64 = 2;

    #[storage]
    struct Storage {
        rewards_points: LegacyMap<ContractAddress, u64>,
        rewards_total: u64,
    }

    #[external(v0)]
    impl RewardsFacetImpl of super::IRewardsFacet<ContractState> {
        fn record_volume(ref self: ContractState, amount: u64) -> u64 {
            let user = get_caller_address();
            let earned = amount * MULTIPLIER;
            let points = self.rewards_points.read(user) + earned;
            self.rewards_points.write(user, points);
            self.rewards_total.write(self.rewards_total.read() + earned);
            points
        }

        fn points_of(self: @ContractState, user: ContractAddress) -> u64 {
            self.rewards_points.read(user)
        }

        fn total_points(self: @ContractState) -> u64 {
            self.rewards_total.read()
        }

        fn rewards_version(self: @ContractState) -> felt252 {
            2
        }
    }
}
