// OpenZeppelin Contracts for Cairo v0.15.0 .. v4.0.0-rc.1: `openzeppelin_governance::timelock::TimelockControllerComponent`
// (first released in v0.15.0). Storage unchanged over the range.

#[starknet::component]
pub mod TimelockControllerComponent {
    use super::Call;
    pub const PROPOSER_ROLE: felt252 = 'PROPOSER_ROLE';
    pub const EXECUTOR_ROLE: felt252 = 'EXECUTOR_ROLE';
    pub const CANCELLER_ROLE: felt252 = 'CANCELLER_ROLE';

    #[storage]
    pub struct Storage {
        pub TimelockController_timestamps: Map<felt252, u64>,
        pub TimelockController_min_delay: u64,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        CallScheduled: CallScheduled,
        CallExecuted: CallExecuted,
        CallSalt: CallSalt,
        CallCancelled: CallCancelled,
        MinDelayChanged: MinDelayChanged,
    }

    #[derive(Drop, starknet::Event)]
    pub struct CallScheduled {
        #[key]
        pub id: felt252,
        #[key]
        pub index: felt252,
        pub call: Call,
        pub predecessor: felt252,
        pub delay: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct CallExecuted {
        #[key]
        pub id: felt252,
        #[key]
        pub index: felt252,
        pub call: Call,
    }

    #[derive(Drop, starknet::Event)]
    pub struct CallSalt {
        #[key]
        pub id: felt252,
        pub salt: felt252,
    }

    #[derive(Drop, starknet::Event)]
    pub struct CallCancelled {
        #[key]
        pub id: felt252,
    }

    #[derive(Drop, starknet::Event)]
    pub struct MinDelayChanged {
        pub old_duration: u64,
        pub new_duration: u64,
    }

    #[embeddable_as(TimelockImpl)]
    impl Timelock<TContractState, +HasComponent<TContractState>> of ITimelock<ComponentState<TContractState>> {
        fn is_operation_ready(self: @ComponentState<TContractState>, id: felt252) -> bool {
            let timestamp = self.TimelockController_timestamps.read(id);
            timestamp > 1 && timestamp <= get_block_timestamp()
        }
        fn get_timestamp(self: @ComponentState<TContractState>, id: felt252) -> u64 {
            self.TimelockController_timestamps.read(id)
        }
        fn get_min_delay(self: @ComponentState<TContractState>) -> u64 {
            self.TimelockController_min_delay.read()
        }
        fn schedule(ref self: ComponentState<TContractState>, call: Call, predecessor: felt252, salt: felt252, delay: u64) {
            self.assert_only_role(PROPOSER_ROLE);
            self._schedule(salt, delay);
        }
        fn schedule_batch(ref self: ComponentState<TContractState>, calls: Span<Call>, predecessor: felt252, salt: felt252, delay: u64) {
            self.assert_only_role(PROPOSER_ROLE);
            self._schedule(salt, delay);
        }
        fn cancel(ref self: ComponentState<TContractState>, id: felt252) {
            self.assert_only_role(CANCELLER_ROLE);
            self.TimelockController_timestamps.write(id, 0);
        }
        fn execute(ref self: ComponentState<TContractState>, call: Call, predecessor: felt252, salt: felt252) {
            self.assert_only_role_or_open_role(EXECUTOR_ROLE);
            self._before_call(salt);
            self._execute(call);
        }
        fn execute_batch(ref self: ComponentState<TContractState>, calls: Span<Call>, predecessor: felt252, salt: felt252) {
            self.assert_only_role_or_open_role(EXECUTOR_ROLE);
            self._before_call(salt);
        }
        fn update_delay(ref self: ComponentState<TContractState>, new_delay: u64) {
            self.assert_only_self();
            self.TimelockController_min_delay.write(new_delay);
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl AccessControl: super::AccessControlComponent::HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, min_delay: u64, proposers: Span<ContractAddress>, executors: Span<ContractAddress>, admin: ContractAddress) {
            self.TimelockController_min_delay.write(min_delay);
        }
        fn assert_only_role(self: @ComponentState<TContractState>, role: felt252) {
            let access_control = get_dep_component!(self, AccessControl);
            access_control.assert_only_role(role);
        }
        fn assert_only_role_or_open_role(self: @ComponentState<TContractState>, role: felt252) {
            let access_control = get_dep_component!(self, AccessControl);
            access_control.assert_only_role(role);
        }
        fn assert_only_self(self: @ComponentState<TContractState>) {
            assert(get_caller_address() == get_contract_address(), 'Timelock: unauthorized caller');
        }
        fn _before_call(self: @ComponentState<TContractState>, id: felt252) {
            let timestamp = self.TimelockController_timestamps.read(id);
            assert(timestamp > 1 && timestamp <= get_block_timestamp(), 'Timelock: expected Ready op');
        }
        fn _schedule(ref self: ComponentState<TContractState>, id: felt252, delay: u64) {
            assert(delay >= self.TimelockController_min_delay.read(), 'Timelock: insufficient delay');
            self.TimelockController_timestamps.write(id, get_block_timestamp() + delay);
        }
        fn _execute(ref self: ComponentState<TContractState>, call: Call) {
            starknet::syscalls::call_contract_syscall(call.to, call.selector, call.calldata).unwrap_syscall();
        }
    }
}
