// Storage records shared by ExchangeV1 and ExchangeV2.
//
// Members of a `starknet::Store` struct are positional (base address + offset), so these structs
// are append-only: inserting, removing, reordering or resizing a member would reinterpret every
// record already stored by a deployed version.
use starknet::ContractAddress;

#[derive(Copy, Drop, Serde, starknet::Store)]
struct TradingPair {
    base_asset: felt252,
    quote_asset: felt252,
    fee_bps: u16,
    active: bool,
}

#[derive(Copy, Drop, Serde, starknet::Store)]
struct Position {
    size: u128,
    entry_price: u128,
    is_long: bool,
}

// One entry of the append-only trading history.
#[derive(Copy, Drop, Serde, starknet::Store)]
struct Trade {
    trader: ContractAddress,
    pair_id: felt252,
    size: u128,
    price: u128,
    is_long: bool,
    fee: u128,
    timestamp: u64,
}

// ExchangeV2's packed user record, stored under the NEW name `user_records`: v1's per-field maps
// keep their addresses, so nothing v1 wrote is reinterpreted by the new type.
#[derive(Copy, Drop, Serde, starknet::Store)]
struct UserRecord {
    balance: u128,
    xp: u64,
    level: u8,
    trade_count: u32,
    registered_at: u64,
}
