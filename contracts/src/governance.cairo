// Multisig + timelock governance: the only authority that may upgrade the exchange, resume it
// after an emergency, edit the router's facets, and change its own signers, threshold and delay.
//
// Life of a proposal:
//   propose_upgrade / propose_call (a signer)  -> PENDING, eta = 0
//   sign (each signer once)                     -> when signatures reach the threshold:
//                                                  eta = now + timelock_delay (ProposalQueued)
//   execute (a signer, now >= eta)              -> EXECUTED, then call_contract_syscall(target)
//   cancel (while PENDING)                      -> CANCELLED when called by the proposer before
//                                                  any signature, or when `threshold` distinct
//                                                  signers have called it (a veto needs as many
//                                                  signers as an approval: one signer can neither
//                                                  push nor block anything)
//
// The ETA is set when the threshold is REACHED, not at proposal time: the full delay always runs
// between the moment an action became executable and its execution, so a proposal that sat
// unsigned for weeks cannot be rushed through by signatures collected in a single block.
use starknet::ClassHash;
use starknet::ContractAddress;

// Policy floor, enforced by the constructor and by every later change.
const MIN_SIGNERS: u32 = 5;
const MIN_THRESHOLD: u32 = 3;
const MIN_TIMELOCK_DELAY: u64 = 172800; // 48 hours
// Constructor defaults: a 0 threshold or delay argument selects these.
const DEFAULT_THRESHOLD: u32 = 3;
const DEFAULT_TIMELOCK_DELAY: u64 = 172800; // 48 hours
const MAX_CALLDATA_LEN: u32 = 32;

const STATUS_PENDING: u8 = 1;
const STATUS_EXECUTED: u8 = 2;
const STATUS_CANCELLED: u8 = 3;

// sn_keccak('upgrade'): the selector of IUpgradeable::upgrade (Cairo 2.1 has no `selector!`; the
// tests check this value against starkware's get_selector_from_name).
const UPGRADE_SELECTOR: felt252 = 0xf2f7c15cbe06c8d94597cd91fd7f3369eae842359235712def5584f8d270cd;

#[derive(Copy, Drop, Serde, starknet::Store)]
struct Proposal {
    proposer: ContractAddress,
    target: ContractAddress,
    selector: felt252,
    // The class the target is upgraded to (upgrade proposals); zero for plain calls.
    class_hash: ClassHash,
    description: felt252,
    calldata_len: u32,
    signatures: u32,
    // 0 until the threshold is reached, then the earliest execution timestamp.
    eta: u64,
    status: u8,
    // Signer-set epoch at creation. Any change of signers or threshold starts a new epoch and
    // voids older proposals, so signatures of removed signers can never be counted.
    epoch: u32,
}

#[starknet::interface]
trait IGovernance<TContractState> {
    fn propose_upgrade(
        ref self: TContractState, target: ContractAddress, class_hash: ClassHash, description: felt252
    ) -> u64;
    fn propose_call(
        ref self: TContractState,
        target: ContractAddress,
        selector: felt252,
        calldata: Array<felt252>,
        description: felt252
    ) -> u64;
    fn sign(ref self: TContractState, proposal_id: u64);
    fn execute(ref self: TContractState, proposal_id: u64) -> Span<felt252>;
    // True when the proposal is now cancelled; false when a cancel vote was recorded and more
    // are needed.
    fn cancel(ref self: TContractState, proposal_id: u64) -> bool;
    // Self-administration: callable only by this contract, i.e. through an executed proposal.
    fn add_signer(ref self: TContractState, signer: ContractAddress);
    fn remove_signer(ref self: TContractState, signer: ContractAddress);
    fn set_threshold(ref self: TContractState, threshold: u32);
    fn set_timelock_delay(ref self: TContractState, delay: u64);
    // Views.
    fn get_proposal(self: @TContractState, proposal_id: u64) -> Proposal;
    fn get_proposal_calldata(self: @TContractState, proposal_id: u64) -> Array<felt252>;
    fn has_signed(self: @TContractState, proposal_id: u64, signer: ContractAddress) -> bool;
    fn get_cancel_votes(self: @TContractState, proposal_id: u64) -> u32;
    fn is_signer(self: @TContractState, account: ContractAddress) -> bool;
    fn get_signers(self: @TContractState) -> Array<ContractAddress>;
    fn get_threshold(self: @TContractState) -> u32;
    fn get_timelock_delay(self: @TContractState) -> u64;
    fn get_proposal_count(self: @TContractState) -> u64;
}

#[starknet::contract]
mod Governance {
    use array::ArrayTrait;
    use array::SpanTrait;
    use starknet::ClassHash;
    use starknet::ContractAddress;
    use starknet::get_block_timestamp;
    use starknet::get_caller_address;
    use starknet::get_contract_address;
    use starknet::syscalls::call_contract_syscall;
    use traits::Into;
    use zeroable::Zeroable;
    use super::{
        Proposal, MIN_SIGNERS, MIN_THRESHOLD, MIN_TIMELOCK_DELAY, DEFAULT_THRESHOLD,
        DEFAULT_TIMELOCK_DELAY, MAX_CALLDATA_LEN, STATUS_PENDING, STATUS_EXECUTED, STATUS_CANCELLED,
        UPGRADE_SELECTOR
    };

    #[storage]
    struct Storage {
        signers: LegacyMap<u32, ContractAddress>,
        signer_count: u32,
        is_signer: LegacyMap<ContractAddress, bool>,
        threshold: u32,
        timelock_delay: u64,
        signer_epoch: u32,
        proposal_count: u64,
        proposals: LegacyMap<u64, Proposal>,
        proposal_calldata: LegacyMap<(u64, u32), felt252>,
        signed: LegacyMap<(u64, ContractAddress), bool>,
        cancel_votes: LegacyMap<u64, u32>,
        cancel_voted: LegacyMap<(u64, ContractAddress), bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        ProposalCreated: ProposalCreated,
        ProposalSigned: ProposalSigned,
        ProposalQueued: ProposalQueued,
        ProposalExecuted: ProposalExecuted,
        ProposalCancelled: ProposalCancelled,
        CancelVoted: CancelVoted,
        SignerAdded: SignerAdded,
        SignerRemoved: SignerRemoved,
        ThresholdChanged: ThresholdChanged,
        TimelockDelayChanged: TimelockDelayChanged,
    }

    #[derive(Drop, starknet::Event)]
    struct ProposalCreated {
        #[key]
        proposal_id: u64,
        proposer: ContractAddress,
        target: ContractAddress,
        selector: felt252,
        class_hash: ClassHash,
        description: felt252,
    }

    #[derive(Drop, starknet::Event)]
    struct ProposalSigned {
        #[key]
        proposal_id: u64,
        signer: ContractAddress,
        signatures: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct ProposalQueued {
        #[key]
        proposal_id: u64,
        eta: u64,
    }

    #[derive(Drop, starknet::Event)]
    struct ProposalExecuted {
        #[key]
        proposal_id: u64,
        executor: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct ProposalCancelled {
        #[key]
        proposal_id: u64,
        canceller: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct CancelVoted {
        #[key]
        proposal_id: u64,
        signer: ContractAddress,
        votes: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct SignerAdded {
        signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct SignerRemoved {
        signer: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct ThresholdChanged {
        old_threshold: u32,
        new_threshold: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct TimelockDelayChanged {
        old_delay: u64,
        new_delay: u64,
    }

    // `threshold` 0 selects DEFAULT_THRESHOLD (3) and `timelock_delay` 0 selects
    // DEFAULT_TIMELOCK_DELAY (48 h); any other value below the minimum is refused.
    #[constructor]
    fn constructor(
        ref self: ContractState, signers: Array<ContractAddress>, threshold: u32, timelock_delay: u64
    ) {
        let threshold = if threshold == 0 {
            DEFAULT_THRESHOLD
        } else {
            threshold
        };
        let timelock_delay = if timelock_delay == 0 {
            DEFAULT_TIMELOCK_DELAY
        } else {
            timelock_delay
        };
        let signers = signers.span();
        assert(signers.len() >= MIN_SIGNERS, 'too few signers');
        assert(threshold >= MIN_THRESHOLD, 'threshold below minimum');
        assert(threshold <= signers.len(), 'threshold above signer count');
        assert(timelock_delay >= MIN_TIMELOCK_DELAY, 'delay below minimum');
        let mut index: u32 = 0;
        loop {
            if index == signers.len() {
                break;
            }
            self.push_signer(*signers.at(index));
            index += 1;
        };
        self.threshold.write(threshold);
        self.timelock_delay.write(timelock_delay);
    }

    #[external(v0)]
    impl GovernanceImpl of super::IGovernance<ContractState> {
        fn propose_upgrade(
            ref self: ContractState,
            target: ContractAddress,
            class_hash: ClassHash,
            description: felt252
        ) -> u64 {
            assert(class_hash.is_non_zero(), 'class hash is zero');
            let mut calldata = ArrayTrait::new();
            calldata.append(class_hash.into());
            self.create_proposal(target, UPGRADE_SELECTOR, class_hash, calldata, description)
        }

        fn propose_call(
            ref self: ContractState,
            target: ContractAddress,
            selector: felt252,
            calldata: Array<felt252>,
            description: felt252
        ) -> u64 {
            self.create_proposal(target, selector, Zeroable::zero(), calldata, description)
        }

        fn sign(ref self: ContractState, proposal_id: u64) {
            let signer = get_caller_address();
            self.assert_signer(signer);
            let mut proposal = self.live_proposal(proposal_id);
            assert(!self.signed.read((proposal_id, signer)), 'already signed');
            self.signed.write((proposal_id, signer), true);
            proposal.signatures += 1;
            let threshold = self.threshold.read();
            let queued = proposal.eta == 0 && proposal.signatures >= threshold;
            if queued {
                proposal.eta = get_block_timestamp() + self.timelock_delay.read();
            }
            self.proposals.write(proposal_id, proposal);
            self
                .emit(
                    Event::ProposalSigned(
                        ProposalSigned { proposal_id, signer, signatures: proposal.signatures }
                    )
                );
            if queued {
                self.emit(Event::ProposalQueued(ProposalQueued { proposal_id, eta: proposal.eta }));
            }
        }

        fn execute(ref self: ContractState, proposal_id: u64) -> Span<felt252> {
            let executor = get_caller_address();
            self.assert_signer(executor);
            let mut proposal = self.live_proposal(proposal_id);
            assert(proposal.signatures >= self.threshold.read(), 'not enough signatures');
            let now = get_block_timestamp();
            assert(proposal.eta != 0 && now >= proposal.eta, 'timelock not expired');
            let calldata = self.load_calldata(proposal_id, proposal.calldata_len);
            // Effects before the interaction: a re-entrant execute finds the proposal EXECUTED.
            proposal.status = STATUS_EXECUTED;
            self.proposals.write(proposal_id, proposal);
            self.emit(Event::ProposalExecuted(ProposalExecuted { proposal_id, executor }));
            // A failing target reverts the whole transaction, status change included.
            call_contract_syscall(proposal.target, proposal.selector, calldata.span())
                .unwrap_syscall()
        }

        // A cancel blocks an action (an upgrade, a resume, the removal of a signer), so one
        // signer must not be able to do it alone: the proposer may withdraw a proposal nobody
        // has signed yet; otherwise `threshold` distinct signers must call cancel.
        fn cancel(ref self: ContractState, proposal_id: u64) -> bool {
            let canceller = get_caller_address();
            self.assert_signer(canceller);
            let mut proposal = self.stored_proposal(proposal_id);
            assert(proposal.status == STATUS_PENDING, 'proposal not pending');
            if canceller == proposal.proposer && proposal.signatures == 0 {
                proposal.status = STATUS_CANCELLED;
                self.proposals.write(proposal_id, proposal);
                self.emit(Event::ProposalCancelled(ProposalCancelled { proposal_id, canceller }));
                return true;
            }
            assert(!self.cancel_voted.read((proposal_id, canceller)), 'already voted to cancel');
            self.cancel_voted.write((proposal_id, canceller), true);
            let votes = self.cancel_votes.read(proposal_id) + 1;
            self.cancel_votes.write(proposal_id, votes);
            self.emit(Event::CancelVoted(CancelVoted { proposal_id, signer: canceller, votes }));
            if votes < self.threshold.read() {
                return false;
            }
            proposal.status = STATUS_CANCELLED;
            self.proposals.write(proposal_id, proposal);
            self.emit(Event::ProposalCancelled(ProposalCancelled { proposal_id, canceller }));
            true
        }

        fn add_signer(ref self: ContractState, signer: ContractAddress) {
            self.assert_only_self();
            self.push_signer(signer);
            self.start_new_epoch();
        }

        fn remove_signer(ref self: ContractState, signer: ContractAddress) {
            self.assert_only_self();
            assert(self.is_signer.read(signer), 'not a signer');
            let count = self.signer_count.read();
            assert(count - 1 >= MIN_SIGNERS, 'too few signers');
            assert(count - 1 >= self.threshold.read(), 'threshold above signer count');
            // Swap-remove: move the last signer into the removed one's slot.
            let last = self.signers.read(count - 1);
            let mut index: u32 = 0;
            loop {
                if self.signers.read(index) == signer {
                    break;
                }
                index += 1;
            };
            self.signers.write(index, last);
            self.signers.write(count - 1, Zeroable::zero());
            self.signer_count.write(count - 1);
            self.is_signer.write(signer, false);
            self.start_new_epoch();
            self.emit(Event::SignerRemoved(SignerRemoved { signer }));
        }

        fn set_threshold(ref self: ContractState, threshold: u32) {
            self.assert_only_self();
            assert(threshold >= MIN_THRESHOLD, 'threshold below minimum');
            assert(threshold <= self.signer_count.read(), 'threshold above signer count');
            let old_threshold = self.threshold.read();
            self.threshold.write(threshold);
            self.start_new_epoch();
            self
                .emit(
                    Event::ThresholdChanged(
                        ThresholdChanged { old_threshold, new_threshold: threshold }
                    )
                );
        }

        fn set_timelock_delay(ref self: ContractState, delay: u64) {
            self.assert_only_self();
            assert(delay >= MIN_TIMELOCK_DELAY, 'delay below minimum');
            let old_delay = self.timelock_delay.read();
            self.timelock_delay.write(delay);
            self
                .emit(
                    Event::TimelockDelayChanged(TimelockDelayChanged { old_delay, new_delay: delay })
                );
        }

        fn get_proposal(self: @ContractState, proposal_id: u64) -> Proposal {
            self.proposals.read(proposal_id)
        }

        fn get_proposal_calldata(self: @ContractState, proposal_id: u64) -> Array<felt252> {
            self.load_calldata(proposal_id, self.proposals.read(proposal_id).calldata_len)
        }

        fn has_signed(self: @ContractState, proposal_id: u64, signer: ContractAddress) -> bool {
            self.signed.read((proposal_id, signer))
        }

        fn get_cancel_votes(self: @ContractState, proposal_id: u64) -> u32 {
            self.cancel_votes.read(proposal_id)
        }

        fn is_signer(self: @ContractState, account: ContractAddress) -> bool {
            self.is_signer.read(account)
        }

        fn get_signers(self: @ContractState) -> Array<ContractAddress> {
            let mut signers = ArrayTrait::new();
            let count = self.signer_count.read();
            let mut index: u32 = 0;
            loop {
                if index == count {
                    break;
                }
                signers.append(self.signers.read(index));
                index += 1;
            };
            signers
        }

        fn get_threshold(self: @ContractState) -> u32 {
            self.threshold.read()
        }

        fn get_timelock_delay(self: @ContractState) -> u64 {
            self.timelock_delay.read()
        }

        fn get_proposal_count(self: @ContractState) -> u64 {
            self.proposal_count.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn assert_signer(self: @ContractState, account: ContractAddress) {
            assert(self.is_signer.read(account), 'caller is not a signer');
        }

        // Reached only through `execute` of a proposal that targets this contract.
        fn assert_only_self(self: @ContractState) {
            assert(get_caller_address() == get_contract_address(), 'only governance itself');
        }

        fn push_signer(ref self: ContractState, signer: ContractAddress) {
            assert(signer.is_non_zero(), 'signer is zero');
            assert(!self.is_signer.read(signer), 'duplicate signer');
            let count = self.signer_count.read();
            self.signers.write(count, signer);
            self.signer_count.write(count + 1);
            self.is_signer.write(signer, true);
            self.emit(Event::SignerAdded(SignerAdded { signer }));
        }

        fn start_new_epoch(ref self: ContractState) {
            self.signer_epoch.write(self.signer_epoch.read() + 1);
        }

        fn create_proposal(
            ref self: ContractState,
            target: ContractAddress,
            selector: felt252,
            class_hash: ClassHash,
            calldata: Array<felt252>,
            description: felt252
        ) -> u64 {
            let proposer = get_caller_address();
            self.assert_signer(proposer);
            assert(target.is_non_zero(), 'target is zero');
            let calldata = calldata.span();
            assert(calldata.len() <= MAX_CALLDATA_LEN, 'calldata too long');
            let proposal_id = self.proposal_count.read() + 1;
            self.proposal_count.write(proposal_id);
            let mut index: u32 = 0;
            loop {
                if index == calldata.len() {
                    break;
                }
                self.proposal_calldata.write((proposal_id, index), *calldata.at(index));
                index += 1;
            };
            self
                .proposals
                .write(
                    proposal_id,
                    Proposal {
                        proposer,
                        target,
                        selector,
                        class_hash,
                        description,
                        calldata_len: calldata.len(),
                        signatures: 0,
                        eta: 0,
                        status: STATUS_PENDING,
                        epoch: self.signer_epoch.read(),
                    }
                );
            self
                .emit(
                    Event::ProposalCreated(
                        ProposalCreated {
                            proposal_id, proposer, target, selector, class_hash, description
                        }
                    )
                );
            proposal_id
        }

        fn stored_proposal(self: @ContractState, proposal_id: u64) -> Proposal {
            let proposal = self.proposals.read(proposal_id);
            assert(proposal.status != 0, 'unknown proposal');
            proposal
        }

        // A proposal that can still gather signatures or be executed.
        fn live_proposal(self: @ContractState, proposal_id: u64) -> Proposal {
            let proposal = self.stored_proposal(proposal_id);
            assert(proposal.status != STATUS_EXECUTED, 'proposal already executed');
            assert(proposal.status != STATUS_CANCELLED, 'proposal cancelled');
            assert(proposal.epoch == self.signer_epoch.read(), 'signer set changed');
            proposal
        }

        fn load_calldata(self: @ContractState, proposal_id: u64, len: u32) -> Array<felt252> {
            let mut calldata = ArrayTrait::new();
            let mut index: u32 = 0;
            loop {
                if index == len {
                    break;
                }
                calldata.append(self.proposal_calldata.read((proposal_id, index)));
                index += 1;
            };
            calldata
        }
    }
}
