// `Call` as the Starknet core library declares it (`starknet::account::Call`): not an OpenZeppelin
// type, but the one OpenZeppelin's TimelockController (v0.15.0 .. v4.0.0-rc.1) takes and emits.

#[derive(Drop, Serde)]
pub struct Call {
    pub to: ContractAddress,
    pub selector: felt252,
    pub calldata: Span<felt252>,
}
