// Reference upgrade system for a Starknet exchange, in Cairo 2.1 syntax.
//
//   governance  multisig + timelock; the only authority that upgrades, resumes, edits facets
//   emergency   emergency admin / 2-of-3 council: pause and roll back, never upgrade or resume
//   exchange_v1 the exchange as first deployed (one storage map per user field)
//   exchange_v2 the upgrade: packed user records, levels, a batched and reversible migration
//   router      diamond: selector -> facet class hash, generic `dispatch` via library_call
//   facets      rewards facets served through the router
//   proxy       named-entry-point forwarder to a ledger implementation via library_call
//   ledger      the ledger implementations behind the proxy
mod types;
mod interfaces;
mod governance;
mod emergency;
mod exchange_v1;
mod exchange_v2;
mod router;
mod facets;
mod proxy;
mod ledger;
