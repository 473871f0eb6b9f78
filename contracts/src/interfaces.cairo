// Interfaces shared between contracts of the system.
use starknet::ClassHash;

// The upgrade entry point governance calls on a target (selector `upgrade`).
#[starknet::interface]
trait IUpgradeable<TContractState> {
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
}

// What the emergency council may do to a target: stop it, or stop it and restore the previous
// implementation. Resuming is deliberately absent: only governance resumes.
#[starknet::interface]
trait IEmergencyTarget<TContractState> {
    fn pause(ref self: TContractState);
    fn rollback(ref self: TContractState);
}

// The emergency powers over a LedgerProxy: the same two, under the proxy's `proxy_*` names.
#[starknet::interface]
trait IProxyEmergencyTarget<TContractState> {
    fn proxy_pause(ref self: TContractState);
    fn proxy_rollback(ref self: TContractState);
}
