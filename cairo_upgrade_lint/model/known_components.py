"""What the linter knows about OpenZeppelin components that are not in the analysed source.

The knowledge is data: Cairo stubs that declare each component's storage members (names and
types, which fix their addresses), its embeddable impls (entry points), its events, and the guard
and upgrade behaviour of its functions in a few statements each (who must call, which syscall runs).
The stubs are parsed like user code into a crate named ``openzeppelin``; a component path starting
with ``openzeppelin`` that the input does not define resolves into it (``scope.py``).

Written from the OpenZeppelin Contracts for Cairo documentation and sources (v0.8 .. v4: storage
names have been stable since v0.8; ``AccessControl_role_member`` holds ``bool`` before v2 and the
felt-packed ``AccountRoleInfo`` since, a compatible encoding of granted/not granted).
``WITH_COMPONENTS`` is the naming that ``#[with_components(...)]`` uses for injected components.
"""

from __future__ import annotations

from ..records import record

KNOWN_CRATE = "openzeppelin"
KNOWN_PATH = "<openzeppelin knowledge>"


@record
class InjectedComponent:
    """How ``#[with_components(Name)]`` declares a component: its module, storage member and event."""

    component: str
    path: str
    storage: str
    event: str


def _injected(name: str, path: str, storage: str) -> tuple[str, InjectedComponent]:
    return name, InjectedComponent(f"{name}Component", f"{path}::{name}Component", storage, f"{name}Event")


WITH_COMPONENTS: dict[str, InjectedComponent] = dict(
    [
        _injected("Account", "openzeppelin_account", "account"),
        _injected("EthAccount", "openzeppelin_account", "eth_account"),
        _injected("SRC9", "openzeppelin_account::extensions", "src9"),
        _injected(
            "AccessControlDefaultAdminRules",
            "openzeppelin_access::accesscontrol::extensions",
            "access_control_dar",
        ),
        _injected("Vesting", "openzeppelin_finance::vesting", "vesting"),
        _injected("ERC721Consecutive", "openzeppelin_token::erc721::extensions", "erc721_consecutive"),
        _injected("ERC721Enumerable", "openzeppelin_token::erc721::extensions", "erc721_enumerable"),
        _injected("ERC721Receiver", "openzeppelin_token::erc721", "erc721_receiver"),
        _injected("ERC721URIStorage", "openzeppelin_token::erc721::extensions", "erc721_uri_storage"),
        _injected("ERC1155Supply", "openzeppelin_token::erc1155::extensions", "erc1155_supply"),
        _injected("ERC1155URIStorage", "openzeppelin_token::erc1155::extensions", "erc1155_uri_storage"),
        _injected("ERC1155Receiver", "openzeppelin_token::erc1155", "erc1155_receiver"),
        _injected("ERC2981", "openzeppelin_token::common::erc2981", "erc2981"),
        _injected("ERC4626", "openzeppelin_token::erc20::extensions::erc4626", "erc4626"),
        _injected("ERC6909", "openzeppelin_token::erc6909", "erc6909"),
        _injected("ERC6909ContentURI", "openzeppelin_token::erc6909::extensions", "erc6909_content_uri"),
        _injected("ERC6909Metadata", "openzeppelin_token::erc6909::extensions", "erc6909_metadata"),
        _injected("ERC6909TokenSupply", "openzeppelin_token::erc6909::extensions", "erc6909_token_supply"),
        _injected("ERC20Wrapper", "openzeppelin_token::erc20::extensions::erc20_wrapper", "erc20_wrapper"),
        _injected(
            "ERC20FlashMint", "openzeppelin_token::erc20::extensions::erc20_flash_mint", "erc20_flash_mint"
        ),
        _injected(
            "ERC721Wrapper", "openzeppelin_token::erc721::extensions::erc721_wrapper", "erc721_wrapper"
        ),
        _injected("Governor", "openzeppelin_governance::governor", "governor"),
        _injected(
            "GovernorCoreExecution",
            "openzeppelin_governance::governor::extensions",
            "governor_core_execution",
        ),
        _injected(
            "GovernorCountingSimple",
            "openzeppelin_governance::governor::extensions",
            "governor_counting_simple",
        ),
        _injected("GovernorSettings", "openzeppelin_governance::governor::extensions", "governor_settings"),
        _injected(
            "GovernorTimelockExecution",
            "openzeppelin_governance::governor::extensions",
            "governor_timelock_execution",
        ),
        _injected(
            "GovernorVotesQuorumFraction",
            "openzeppelin_governance::governor::extensions",
            "governor_votes_quorum_fraction",
        ),
        _injected("GovernorVotes", "openzeppelin_governance::governor::extensions", "governor_votes"),
        _injected("Ownable", "openzeppelin_access::ownable", "ownable"),
        _injected("AccessControl", "openzeppelin_access::accesscontrol", "access_control"),
        _injected("SRC5", "openzeppelin_introspection::src5", "src5"),
        _injected("Initializable", "openzeppelin_security", "initializable"),
        _injected("Pausable", "openzeppelin_security", "pausable"),
        _injected("ReentrancyGuard", "openzeppelin_security", "reentrancy_guard"),
        _injected("ERC20", "openzeppelin_token::erc20", "erc20"),
        _injected("ERC721", "openzeppelin_token::erc721", "erc721"),
        _injected("ERC1155", "openzeppelin_token::erc1155", "erc1155"),
        _injected("Upgradeable", "openzeppelin_upgrades", "upgradeable"),
        _injected("Nonces", "openzeppelin_utils::nonces", "nonces"),
        _injected("Multisig", "openzeppelin_governance::multisig", "multisig"),
        _injected("TimelockController", "openzeppelin_governance::timelock", "timelock_controller"),
        _injected("Votes", "openzeppelin_governance::votes", "votes"),
    ]
)

STUBS = r"""
#[derive(Drop, Serde)]
pub struct Call {
    pub to: ContractAddress,
    pub selector: felt252,
    pub calldata: Span<felt252>,
}

#[starknet::component]
pub mod SRC5Component {
    #[storage]
    pub struct Storage {
        pub SRC5_supported_interfaces: Map<felt252, bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {}

    #[embeddable_as(SRC5Impl)]
    impl SRC5<TContractState, +HasComponent<TContractState>> of ISRC5<ComponentState<TContractState>> {
        fn supports_interface(self: @ComponentState<TContractState>, interface_id: felt252) -> bool {
            self.SRC5_supported_interfaces.read(interface_id)
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn register_interface(ref self: ComponentState<TContractState>, interface_id: felt252) {
            self.SRC5_supported_interfaces.write(interface_id, true);
        }
        fn deregister_interface(ref self: ComponentState<TContractState>, interface_id: felt252) {
            self.SRC5_supported_interfaces.write(interface_id, false);
        }
    }
}

#[starknet::component]
pub mod OwnableComponent {
    #[storage]
    pub struct Storage {
        pub Ownable_owner: ContractAddress,
        pub Ownable_pending_owner: ContractAddress,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        OwnershipTransferred: OwnershipTransferred,
        OwnershipTransferStarted: OwnershipTransferStarted,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferred {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferStarted {
        #[key]
        pub previous_owner: ContractAddress,
        #[key]
        pub new_owner: ContractAddress,
    }

    #[embeddable_as(OwnableImpl)]
    impl Ownable<TContractState, +HasComponent<TContractState>> of IOwnable<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_owner.read()
        }
        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(new_owner);
        }
        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[embeddable_as(OwnableCamelOnlyImpl)]
    impl OwnableCamelOnly<TContractState, +HasComponent<TContractState>> of IOwnableCamelOnly<ComponentState<TContractState>> {
        fn transferOwnership(ref self: ComponentState<TContractState>, newOwner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(newOwner);
        }
        fn renounceOwnership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[embeddable_as(OwnableMixinImpl)]
    impl OwnableMixin<TContractState, +HasComponent<TContractState>> of OwnableABI<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_owner.read()
        }
        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(new_owner);
        }
        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
        fn transferOwnership(ref self: ComponentState<TContractState>, newOwner: ContractAddress) {
            self.assert_only_owner();
            self._transfer_ownership(newOwner);
        }
        fn renounceOwnership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[embeddable_as(OwnableTwoStepImpl)]
    impl OwnableTwoStep<TContractState, +HasComponent<TContractState>> of IOwnableTwoStep<ComponentState<TContractState>> {
        fn owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_owner.read()
        }
        fn pending_owner(self: @ComponentState<TContractState>) -> ContractAddress {
            self.Ownable_pending_owner.read()
        }
        fn accept_ownership(ref self: ComponentState<TContractState>) {
            assert(get_caller_address() == self.Ownable_pending_owner.read(), 'Caller is not the pending owner');
            self._transfer_ownership(get_caller_address());
        }
        fn transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.assert_only_owner();
            self._propose_owner(new_owner);
        }
        fn renounce_ownership(ref self: ComponentState<TContractState>) {
            self.assert_only_owner();
            self._transfer_ownership(Zero::zero());
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, owner: ContractAddress) {
            assert(!owner.is_zero(), 'New owner is the zero address');
            self._transfer_ownership(owner);
        }
        fn assert_only_owner(self: @ComponentState<TContractState>) {
            let caller = get_caller_address();
            assert(!caller.is_zero(), 'Caller is the zero address');
            assert(caller == self.Ownable_owner.read(), 'Caller is not the owner');
        }
        fn _transfer_ownership(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.Ownable_pending_owner.write(Zero::zero());
            self.Ownable_owner.write(new_owner);
        }
        fn _propose_owner(ref self: ComponentState<TContractState>, new_owner: ContractAddress) {
            self.Ownable_pending_owner.write(new_owner);
        }
    }
}

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

#[starknet::component]
pub mod UpgradeableComponent {
    #[storage]
    pub struct Storage {}

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Upgraded: Upgraded,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Upgraded {
        pub class_hash: ClassHash,
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn upgrade(ref self: ComponentState<TContractState>, new_class_hash: ClassHash) {
            assert(!new_class_hash.is_zero(), 'Class hash cannot be zero');
            starknet::syscalls::replace_class_syscall(new_class_hash).unwrap_syscall();
        }
        fn upgrade_and_call(ref self: ComponentState<TContractState>, new_class_hash: ClassHash, selector: felt252, calldata: Span<felt252>) -> Span<felt252> {
            self.upgrade(new_class_hash);
            starknet::syscalls::call_contract_syscall(get_contract_address(), selector, calldata).unwrap_syscall()
        }
    }
}

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

#[starknet::component]
pub mod MultisigComponent {
    pub type TransactionID = felt252;

    #[derive(Copy, Drop, Serde)]
    pub struct SignersInfo {
        pub quorum: u32,
        pub signers_count: u32,
    }

    #[derive(Copy, Drop, Serde)]
    pub struct TxInfo {
        pub is_executed: bool,
        pub submitted_block: u64,
    }

    impl SignersInfoStorePacking of StorePacking<SignersInfo, u128> {}
    impl TxInfoStorePacking of StorePacking<TxInfo, u128> {}

    #[storage]
    pub struct Storage {
        pub Multisig_signers_info: SignersInfo,
        pub Multisig_is_signer: Map<ContractAddress, bool>,
        pub Multisig_signers_by_index: Map<u32, ContractAddress>,
        pub Multisig_signers_indices: Map<ContractAddress, u32>,
        pub Multisig_tx_info: Map<TransactionID, TxInfo>,
        pub Multisig_tx_confirmed_by: Map<(TransactionID, ContractAddress), bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        SignerAdded: SignerAdded,
        SignerRemoved: SignerRemoved,
        QuorumUpdated: QuorumUpdated,
        TransactionSubmitted: TransactionSubmitted,
        TransactionConfirmed: TransactionConfirmed,
        TransactionExecuted: TransactionExecuted,
        ConfirmationRevoked: ConfirmationRevoked,
    }

    #[derive(Drop, starknet::Event)]
    pub struct SignerAdded {
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct SignerRemoved {
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct QuorumUpdated {
        pub old_quorum: u32,
        pub new_quorum: u32,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TransactionSubmitted {
        #[key]
        pub id: TransactionID,
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TransactionConfirmed {
        #[key]
        pub id: TransactionID,
        #[key]
        pub signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    pub struct TransactionExecuted {
        #[key]
        pub id: TransactionID,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ConfirmationRevoked {
        #[key]
        pub id: TransactionID,
        #[key]
        pub signer: ContractAddress,
    }

    #[embeddable_as(MultisigImpl)]
    impl Multisig<TContractState, +HasComponent<TContractState>> of IMultisig<ComponentState<TContractState>> {
        fn get_quorum(self: @ComponentState<TContractState>) -> u32 {
            self.Multisig_signers_info.read().quorum
        }
        fn is_signer(self: @ComponentState<TContractState>, signer: ContractAddress) -> bool {
            self.Multisig_is_signer.read(signer)
        }
        fn add_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_add: Span<ContractAddress>) {
            self.assert_only_self();
            self._add_signers(new_quorum, signers_to_add);
        }
        fn remove_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_remove: Span<ContractAddress>) {
            self.assert_only_self();
            self._remove_signers(new_quorum, signers_to_remove);
        }
        fn replace_signer(ref self: ComponentState<TContractState>, signer_to_remove: ContractAddress, signer_to_add: ContractAddress) {
            self.assert_only_self();
            self.Multisig_is_signer.write(signer_to_remove, false);
            self.Multisig_is_signer.write(signer_to_add, true);
        }
        fn change_quorum(ref self: ComponentState<TContractState>, new_quorum: u32) {
            self.assert_only_self();
            self._change_quorum(new_quorum);
        }
        fn submit_transaction(ref self: ComponentState<TContractState>, to: ContractAddress, selector: felt252, calldata: Span<felt252>, salt: felt252) -> TransactionID {
            self.assert_one_of_signers(get_caller_address());
            self.Multisig_tx_info.write(salt, TxInfo { is_executed: false, submitted_block: 0 });
            salt
        }
        fn confirm_transaction(ref self: ComponentState<TContractState>, id: TransactionID) {
            let caller = get_caller_address();
            self.assert_one_of_signers(caller);
            self.Multisig_tx_confirmed_by.write((id, caller), true);
        }
        fn revoke_confirmation(ref self: ComponentState<TContractState>, id: TransactionID) {
            let caller = get_caller_address();
            self.Multisig_tx_confirmed_by.write((id, caller), false);
        }
        fn execute_transaction(ref self: ComponentState<TContractState>, to: ContractAddress, selector: felt252, calldata: Span<felt252>, salt: felt252) {
            self.assert_one_of_signers(get_caller_address());
            let confirmations: u32 = self.get_transaction_confirmations(salt);
            assert(confirmations >= self.Multisig_signers_info.read().quorum, 'Multisig: tx not confirmed');
            self.Multisig_tx_info.write(salt, TxInfo { is_executed: true, submitted_block: 0 });
            starknet::syscalls::call_contract_syscall(to, selector, calldata).unwrap_syscall();
        }
        fn get_transaction_confirmations(self: @ComponentState<TContractState>, id: TransactionID) -> u32 {
            0
        }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, quorum: u32, signers: Span<ContractAddress>) {
            self._add_signers(quorum, signers);
        }
        fn assert_one_of_signers(self: @ComponentState<TContractState>, caller: ContractAddress) {
            assert(self.Multisig_is_signer.read(caller), 'Multisig: not a signer');
        }
        fn assert_only_self(self: @ComponentState<TContractState>) {
            assert(get_caller_address() == get_contract_address(), 'Multisig: unauthorized');
        }
        fn _add_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_add: Span<ContractAddress>) {
            self._change_quorum(new_quorum);
        }
        fn _remove_signers(ref self: ComponentState<TContractState>, new_quorum: u32, signers_to_remove: Span<ContractAddress>) {
            self._change_quorum(new_quorum);
        }
        fn _change_quorum(ref self: ComponentState<TContractState>, new_quorum: u32) {
            let signers_count = self.Multisig_signers_info.read().signers_count;
            assert(new_quorum <= signers_count, 'Multisig: quorum > signers');
            assert(new_quorum != 0, 'Multisig: quorum cannot be 0');
            self.Multisig_signers_info.write(SignersInfo { quorum: new_quorum, signers_count });
        }
    }
}

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

#[starknet::component]
pub mod ERC721Component {
    #[storage]
    pub struct Storage {
        pub ERC721_name: ByteArray,
        pub ERC721_symbol: ByteArray,
        pub ERC721_owners: Map<u256, ContractAddress>,
        pub ERC721_balances: Map<ContractAddress, u256>,
        pub ERC721_token_approvals: Map<u256, ContractAddress>,
        pub ERC721_operator_approvals: Map<(ContractAddress, ContractAddress), bool>,
        pub ERC721_base_uri: ByteArray,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Transfer: Transfer,
        Approval: Approval,
        ApprovalForAll: ApprovalForAll,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Transfer {
        #[key]
        pub from: ContractAddress,
        #[key]
        pub to: ContractAddress,
        #[key]
        pub token_id: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Approval {
        #[key]
        pub owner: ContractAddress,
        #[key]
        pub approved: ContractAddress,
        #[key]
        pub token_id: u256,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ApprovalForAll {
        #[key]
        pub owner: ContractAddress,
        #[key]
        pub operator: ContractAddress,
        pub approved: bool,
    }

    #[embeddable_as(ERC721Impl)]
    impl ERC721<TContractState, +HasComponent<TContractState>> of IERC721<ComponentState<TContractState>> {
        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC721_balances.read(account) }
        fn owner_of(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_owners.read(token_id) }
        fn safe_transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256, data: Span<felt252>) { self.ERC721_owners.write(token_id, to); }
        fn transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256) { self.ERC721_owners.write(token_id, to); }
        fn approve(ref self: ComponentState<TContractState>, to: ContractAddress, token_id: u256) { self.ERC721_token_approvals.write(token_id, to); }
        fn set_approval_for_all(ref self: ComponentState<TContractState>, operator: ContractAddress, approved: bool) { self.ERC721_operator_approvals.write((get_caller_address(), operator), approved); }
        fn get_approved(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_token_approvals.read(token_id) }
        fn is_approved_for_all(self: @ComponentState<TContractState>, owner: ContractAddress, operator: ContractAddress) -> bool { self.ERC721_operator_approvals.read((owner, operator)) }
    }

    #[embeddable_as(ERC721MetadataImpl)]
    impl ERC721Metadata<TContractState, +HasComponent<TContractState>> of IERC721Metadata<ComponentState<TContractState>> {
        fn name(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_name.read() }
        fn symbol(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_symbol.read() }
        fn token_uri(self: @ComponentState<TContractState>, token_id: u256) -> ByteArray { self.ERC721_base_uri.read() }
    }

    #[embeddable_as(ERC721MixinImpl)]
    impl ERC721Mixin<TContractState, +HasComponent<TContractState>> of ERC721ABI<ComponentState<TContractState>> {
        fn balance_of(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC721_balances.read(account) }
        fn owner_of(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_owners.read(token_id) }
        fn safe_transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256, data: Span<felt252>) { self.ERC721_owners.write(token_id, to); }
        fn transfer_from(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, token_id: u256) { self.ERC721_owners.write(token_id, to); }
        fn approve(ref self: ComponentState<TContractState>, to: ContractAddress, token_id: u256) { self.ERC721_token_approvals.write(token_id, to); }
        fn set_approval_for_all(ref self: ComponentState<TContractState>, operator: ContractAddress, approved: bool) { self.ERC721_operator_approvals.write((get_caller_address(), operator), approved); }
        fn get_approved(self: @ComponentState<TContractState>, token_id: u256) -> ContractAddress { self.ERC721_token_approvals.read(token_id) }
        fn is_approved_for_all(self: @ComponentState<TContractState>, owner: ContractAddress, operator: ContractAddress) -> bool { self.ERC721_operator_approvals.read((owner, operator)) }
        fn name(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_name.read() }
        fn symbol(self: @ComponentState<TContractState>) -> ByteArray { self.ERC721_symbol.read() }
        fn token_uri(self: @ComponentState<TContractState>, token_id: u256) -> ByteArray { self.ERC721_base_uri.read() }
        fn balanceOf(self: @ComponentState<TContractState>, account: ContractAddress) -> u256 { self.ERC721_balances.read(account) }
        fn ownerOf(self: @ComponentState<TContractState>, tokenId: u256) -> ContractAddress { self.ERC721_owners.read(tokenId) }
        fn safeTransferFrom(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, tokenId: u256, data: Span<felt252>) { self.ERC721_owners.write(tokenId, to); }
        fn transferFrom(ref self: ComponentState<TContractState>, from: ContractAddress, to: ContractAddress, tokenId: u256) { self.ERC721_owners.write(tokenId, to); }
        fn setApprovalForAll(ref self: ComponentState<TContractState>, operator: ContractAddress, approved: bool) { self.ERC721_operator_approvals.write((get_caller_address(), operator), approved); }
        fn getApproved(self: @ComponentState<TContractState>, tokenId: u256) -> ContractAddress { self.ERC721_token_approvals.read(tokenId) }
        fn isApprovedForAll(self: @ComponentState<TContractState>, owner: ContractAddress, operator: ContractAddress) -> bool { self.ERC721_operator_approvals.read((owner, operator)) }
        fn tokenURI(self: @ComponentState<TContractState>, tokenId: u256) -> ByteArray { self.ERC721_base_uri.read() }
        fn supports_interface(self: @ComponentState<TContractState>, interface_id: felt252) -> bool { true }
    }

    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, name: ByteArray, symbol: ByteArray, base_uri: ByteArray) {
            self.ERC721_name.write(name);
            self.ERC721_symbol.write(symbol);
            self.ERC721_base_uri.write(base_uri);
        }
        fn mint(ref self: ComponentState<TContractState>, to: ContractAddress, token_id: u256) {
            self.ERC721_owners.write(token_id, to);
        }
        fn burn(ref self: ComponentState<TContractState>, token_id: u256) {
            self.ERC721_owners.write(token_id, Zero::zero());
        }
    }
}
"""
