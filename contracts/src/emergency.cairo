// Emergency brake: an emergency admin acts alone; the 3-member council acts with 2 approvals.
// It can pause a target or roll it back to its previous class (which also pauses it). It can
// NOT upgrade to a new class and can NOT resume: both stay with governance and its timelock, so
// a compromised emergency key can at worst stop the system, never take it over.
use starknet::ContractAddress;

const COUNCIL_SIZE: u32 = 3;
const COUNCIL_THRESHOLD: u32 = 2;
const ACTION_PAUSE: felt252 = 'PAUSE';
const ACTION_ROLLBACK: felt252 = 'ROLLBACK';
const ACTION_PROXY_PAUSE: felt252 = 'PROXY_PAUSE';
const ACTION_PROXY_ROLLBACK: felt252 = 'PROXY_ROLLBACK';

#[starknet::interface]
trait IEmergencyCouncil<TContractState> {
    // Both return true when the action was carried out, false when a council approval was
    // recorded and more are needed.
    fn pause(ref self: TContractState, target: ContractAddress) -> bool;
    fn rollback(ref self: TContractState, target: ContractAddress) -> bool;
    // The same two powers over a LedgerProxy (whose admin entry points are `proxy_*`).
    fn pause_proxy(ref self: TContractState, target: ContractAddress) -> bool;
    fn rollback_proxy(ref self: TContractState, target: ContractAddress) -> bool;
    fn set_emergency_admin(ref self: TContractState, new_admin: ContractAddress);
    fn get_emergency_admin(self: @TContractState) -> ContractAddress;
    fn is_council_member(self: @TContractState, account: ContractAddress) -> bool;
    fn get_approvals(self: @TContractState, action: felt252, target: ContractAddress) -> u32;
}

#[starknet::contract]
mod EmergencyCouncil {
    use array::ArrayTrait;
    use array::SpanTrait;
    use starknet::ContractAddress;
    use starknet::get_caller_address;
    use zeroable::Zeroable;
    use upgrade_system::interfaces::IEmergencyTargetDispatcher;
    use upgrade_system::interfaces::IEmergencyTargetDispatcherTrait;
    use upgrade_system::interfaces::IProxyEmergencyTargetDispatcher;
    use upgrade_system::interfaces::IProxyEmergencyTargetDispatcherTrait;
    use super::{
        COUNCIL_SIZE, COUNCIL_THRESHOLD, ACTION_PAUSE, ACTION_ROLLBACK, ACTION_PROXY_PAUSE,
        ACTION_PROXY_ROLLBACK
    };

    #[storage]
    struct Storage {
        governance: ContractAddress,
        emergency_admin: ContractAddress,
        is_council_member: LegacyMap<ContractAddress, bool>,
        // Approvals are counted per (action, target, round); a round ends when its action runs,
        // so approvals given for an earlier pause never count towards a later one.
        action_round: LegacyMap<(felt252, ContractAddress), u64>,
        approval_count: LegacyMap<(felt252, ContractAddress, u64), u32>,
        approved: LegacyMap<(felt252, ContractAddress, u64, ContractAddress), bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        EmergencyApproval: EmergencyApproval,
        EmergencyAction: EmergencyAction,
        EmergencyAdminChanged: EmergencyAdminChanged,
    }

    #[derive(Drop, starknet::Event)]
    struct EmergencyApproval {
        #[key]
        action: felt252,
        target: ContractAddress,
        member: ContractAddress,
        approvals: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct EmergencyAction {
        #[key]
        action: felt252,
        target: ContractAddress,
        by: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct EmergencyAdminChanged {
        old_admin: ContractAddress,
        new_admin: ContractAddress,
    }

    #[constructor]
    fn constructor(
        ref self: ContractState,
        governance: ContractAddress,
        emergency_admin: ContractAddress,
        council: Array<ContractAddress>
    ) {
        assert(governance.is_non_zero(), 'governance is zero');
        assert(emergency_admin.is_non_zero(), 'emergency admin is zero');
        let council = council.span();
        assert(council.len() == COUNCIL_SIZE, 'council needs 3 members');
        let mut index: u32 = 0;
        loop {
            if index == council.len() {
                break;
            }
            let member = *council.at(index);
            assert(member.is_non_zero(), 'member is zero');
            assert(!self.is_council_member.read(member), 'duplicate member');
            self.is_council_member.write(member, true);
            index += 1;
        };
        self.governance.write(governance);
        self.emergency_admin.write(emergency_admin);
    }

    #[external(v0)]
    impl EmergencyCouncilImpl of super::IEmergencyCouncil<ContractState> {
        fn pause(ref self: ContractState, target: ContractAddress) -> bool {
            if self.authorize(ACTION_PAUSE, target) {
                IEmergencyTargetDispatcher { contract_address: target }.pause();
                return true;
            }
            false
        }

        fn rollback(ref self: ContractState, target: ContractAddress) -> bool {
            if self.authorize(ACTION_ROLLBACK, target) {
                IEmergencyTargetDispatcher { contract_address: target }.rollback();
                return true;
            }
            false
        }

        fn pause_proxy(ref self: ContractState, target: ContractAddress) -> bool {
            if self.authorize(ACTION_PROXY_PAUSE, target) {
                IProxyEmergencyTargetDispatcher { contract_address: target }.proxy_pause();
                return true;
            }
            false
        }

        fn rollback_proxy(ref self: ContractState, target: ContractAddress) -> bool {
            if self.authorize(ACTION_PROXY_ROLLBACK, target) {
                IProxyEmergencyTargetDispatcher { contract_address: target }.proxy_rollback();
                return true;
            }
            false
        }

        fn set_emergency_admin(ref self: ContractState, new_admin: ContractAddress) {
            assert(get_caller_address() == self.governance.read(), 'caller is not governance');
            assert(new_admin.is_non_zero(), 'emergency admin is zero');
            let old_admin = self.emergency_admin.read();
            self.emergency_admin.write(new_admin);
            self.emit(Event::EmergencyAdminChanged(EmergencyAdminChanged { old_admin, new_admin }));
        }

        fn get_emergency_admin(self: @ContractState) -> ContractAddress {
            self.emergency_admin.read()
        }

        fn is_council_member(self: @ContractState, account: ContractAddress) -> bool {
            self.is_council_member.read(account)
        }

        fn get_approvals(self: @ContractState, action: felt252, target: ContractAddress) -> u32 {
            let round = self.action_round.read((action, target));
            self.approval_count.read((action, target, round))
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        // True when `action` on `target` may run now: the caller is the emergency admin, or the
        // caller's approval brings the council to COUNCIL_THRESHOLD. Anyone else is refused.
        fn authorize(ref self: ContractState, action: felt252, target: ContractAddress) -> bool {
            let caller = get_caller_address();
            let round = self.action_round.read((action, target));
            if caller == self.emergency_admin.read() {
                self.finish_round(action, target, round, caller);
                return true;
            }
            assert(self.is_council_member.read(caller), 'not emergency authority');
            assert(!self.approved.read((action, target, round, caller)), 'already approved');
            self.approved.write((action, target, round, caller), true);
            let approvals = self.approval_count.read((action, target, round)) + 1;
            self.approval_count.write((action, target, round), approvals);
            self
                .emit(
                    Event::EmergencyApproval(
                        EmergencyApproval { action, target, member: caller, approvals }
                    )
                );
            if approvals >= COUNCIL_THRESHOLD {
                self.finish_round(action, target, round, caller);
                return true;
            }
            false
        }

        fn finish_round(
            ref self: ContractState,
            action: felt252,
            target: ContractAddress,
            round: u64,
            by: ContractAddress
        ) {
            self.action_round.write((action, target), round + 1);
            self.emit(Event::EmergencyAction(EmergencyAction { action, target, by }));
        }
    }
}
