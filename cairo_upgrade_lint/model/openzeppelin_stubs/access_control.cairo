// OpenZeppelin Contracts for Cairo v2.0.0 .. v4.0.0-rc.1: `openzeppelin_access::accesscontrol::AccessControlComponent`.
// `AccessControl_role_member` holds the felt-packed `AccountRoleInfo` since v2.0.0; v0.8.0 .. v1.0.0
// stored `bool` at the same addresses (a compatible encoding of granted / not granted).
// Not described: `AccessControlMixinImpl` (v0.10.0+) and `AccessControlWithDelayImpl` (v2.0.0+).

#[starknet::component]
pub mod AccessControlComponent {
    pub const DEFAULT_ADMIN_ROLE: felt252 = 0;

    #[derive(Copy, Drop, Serde, PartialEq)]
    pub struct AccountRoleInfo {
        pub effective_from: u64,
        pub is_granted: bool,
    }

    impl AccountRoleInfoStorePacking of StorePacking<AccountRoleInfo, felt252> {}

    #[storage]
    pub struct Storage {
        pub AccessControl_role_admin: Map<felt252, felt252>,
        pub AccessControl_role_member: Map<(felt252, ContractAddress), AccountRoleInfo>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        RoleGranted: RoleGranted,
        RoleRevoked: RoleRevoked,
        RoleAdminChanged: RoleAdminChanged,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RoleGranted {
        pub role: felt252,
        pub account: ContractAddress,
        pub sender: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RoleRevoked {
        pub role: felt252,
        pub account: ContractAddress,
        pub sender: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct RoleAdminChanged {
        pub role: felt252,
        pub previous_admin_role: felt252,
        pub new_admin_role: felt252,
    }

    #[embeddable_as(AccessControlImpl)]
    impl AccessControl<TContractState, +HasComponent<TContractState>> of IAccessControl<ComponentState<TContractState>> {
        fn has_role(self: @ComponentState<TContractState>, role: felt252, account: ContractAddress) -> bool {
            self.AccessControl_role_member.read((role, account)).is_granted
        }
        fn get_role_admin(self: @ComponentState<TContractState>, role: felt252) -> felt252 {
            self.AccessControl_role_admin.read(role)
        }
        fn grant_role(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            self.assert_only_role(self.get_role_admin(role));
            self._grant_role(role, account);
        }
        fn revoke_role(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            self.assert_only_role(self.get_role_admin(role));
            self._revoke_role(role, account);
        }
        fn renounce_role(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            assert(get_caller_address() == account, 'Can only renounce role for self');
            self._revoke_role(role, account);
        }
    }

    #[embeddable_as(AccessControlCamelImpl)]
    impl AccessControlCamel<TContractState, +HasComponent<TContractState>> of IAccessControlCamel<ComponentState<TContractState>> {
        fn hasRole(self: @ComponentState<TContractState>, role: felt252, account: ContractAddress) -> bool {
            self.AccessControl_role_member.read((role, account)).is_granted
        }
        fn getRoleAdmin(self: @ComponentState<TContractState>, role: felt252) -> felt252 {
            self.AccessControl_role_admin.read(role)
        }
        fn grantRole(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            self.assert_only_role(self.AccessControl_role_admin.read(role));
            self._grant_role(role, account);
        }
        fn revokeRole(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            self.assert_only_role(self.AccessControl_role_admin.read(role));
            self._revoke_role(role, account);
        }
        fn renounceRole(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            assert(get_caller_address() == account, 'Can only renounce role for self');
            self._revoke_role(role, account);
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>) {}
        fn assert_only_role(self: @ComponentState<TContractState>, role: felt252) {
            let caller = get_caller_address();
            assert(self.AccessControl_role_member.read((role, caller)).is_granted, 'Caller is missing role');
        }
        fn set_role_admin(ref self: ComponentState<TContractState>, role: felt252, admin_role: felt252) {
            self.AccessControl_role_admin.write(role, admin_role);
        }
        fn _grant_role(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            self.AccessControl_role_member.write((role, account), AccountRoleInfo { effective_from: 0, is_granted: true });
        }
        fn _revoke_role(ref self: ComponentState<TContractState>, role: felt252, account: ContractAddress) {
            self.AccessControl_role_member.write((role, account), AccountRoleInfo { effective_from: 0, is_granted: false });
        }
    }
}
