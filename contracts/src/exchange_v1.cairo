// The exchange as first deployed: users, balances, trading pairs, positions, XP/achievements and
// an append-only trading history. Each user field lives in its own LegacyMap (v2 packs them).
//
// Upgrade and emergency surface (identical in v2):
//   upgrade(class_hash)  governance contract only; class hash non-zero; the replaced class is
//                        pushed onto `class_hash_history` for rollback
//   pause()              emergency council or governance
//   rollback()           emergency council or governance: back to the last class in the history,
//                        and paused
//   resume()             governance only, and only if `health_check()` returns 'OK': the layout
//                        is this code's and a complete `check_invariants` pass ran since the pause
//   check_invariants(n)  anyone, while paused: adds the balances of the next n <= 50 users to a
//                        running sum; after the last user it records 'OK' or the broken invariant.
//                        Bounded work per call, whatever the number of users; pausing, a class
//                        rollback and every migration batch start the pass over.
use starknet::ClassHash;
use starknet::ContractAddress;
use upgrade_system::types::{Position, Trade, TradingPair};

#[starknet::interface]
trait IExchangeV1<TContractState> {
    // Users.
    fn register(ref self: TContractState);
    fn deposit(ref self: TContractState, amount: u128);
    fn withdraw(ref self: TContractState, amount: u128);
    fn open_position(
        ref self: TContractState, pair_id: felt252, size: u128, price: u128, is_long: bool
    );
    // Operator (admin).
    fn list_pair(
        ref self: TContractState,
        pair_id: felt252,
        base_asset: felt252,
        quote_asset: felt252,
        fee_bps: u16
    );
    fn grant_xp(ref self: TContractState, user: ContractAddress, amount: u64);
    // Upgrade and emergency.
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
    fn pause(ref self: TContractState);
    fn rollback(ref self: TContractState);
    fn resume(ref self: TContractState);
    fn health_check(self: @TContractState) -> felt252;
    fn check_invariants(ref self: TContractState, batch_size: u32) -> u32;
    // Views.
    fn version(self: @TContractState) -> u32;
    fn get_storage_version(self: @TContractState) -> u32;
    fn is_paused(self: @TContractState) -> bool;
    fn get_governance(self: @TContractState) -> ContractAddress;
    fn get_current_class_hash(self: @TContractState) -> ClassHash;
    fn get_class_hash_history_len(self: @TContractState) -> u32;
    fn get_class_hash_history(self: @TContractState, index: u32) -> ClassHash;
    fn is_registered(self: @TContractState, user: ContractAddress) -> bool;
    fn get_user_count(self: @TContractState) -> u32;
    fn get_user_at(self: @TContractState, index: u32) -> ContractAddress;
    fn get_balance(self: @TContractState, user: ContractAddress) -> u128;
    fn get_xp(self: @TContractState, user: ContractAddress) -> u64;
    fn get_user_trade_count(self: @TContractState, user: ContractAddress) -> u32;
    fn get_registered_at(self: @TContractState, user: ContractAddress) -> u64;
    fn has_achievement(self: @TContractState, user: ContractAddress, achievement: felt252) -> bool;
    fn get_pair(self: @TContractState, pair_id: felt252) -> TradingPair;
    fn get_position(self: @TContractState, user: ContractAddress, pair_id: felt252) -> Position;
    fn get_trade_count(self: @TContractState) -> u64;
    fn get_trade(self: @TContractState, trade_id: u64) -> Trade;
    fn get_total_deposits(self: @TContractState) -> u128;
    fn get_fees_collected(self: @TContractState) -> u128;
}

#[starknet::contract]
mod ExchangeV1 {
    use starknet::ClassHash;
    use starknet::ContractAddress;
    use starknet::get_block_timestamp;
    use starknet::get_caller_address;
    use starknet::syscalls::replace_class_syscall;
    use traits::Into;
    use zeroable::Zeroable;
    use upgrade_system::types::{Position, Trade, TradingPair};

    const CODE_VERSION: u32 = 1;
    // The storage layout this code reads and writes; v2's migration moves it to 2.
    const STORAGE_VERSION: u32 = 1;
    const XP_PER_TRADE: u64 = 100;
    const BPS_DENOMINATOR: u128 = 10000;
    const ACHIEVEMENT_FIRST_TRADE: felt252 = 'FIRST_TRADE';
    const MAX_CHECK_BATCH: u32 = 50;

    #[storage]
    struct Storage {
        // Authorities and upgrade state.
        governance: ContractAddress,
        emergency: ContractAddress,
        admin: ContractAddress,
        paused: bool,
        storage_version: u32,
        // Cairo 2.1 has no syscall returning a contract's own class hash, so the class is
        // tracked here: set by the deployer at construction, then by upgrade/rollback.
        current_class_hash: ClassHash,
        class_hash_history: LegacyMap<u32, ClassHash>,
        class_hash_history_len: u32,
        // Users: one map per field (the v1 layout).
        user_count: u32,
        user_at: LegacyMap<u32, ContractAddress>,
        user_registered: LegacyMap<ContractAddress, bool>,
        user_balance: LegacyMap<ContractAddress, u128>,
        user_xp: LegacyMap<ContractAddress, u64>,
        user_trade_count: LegacyMap<ContractAddress, u32>,
        user_registered_at: LegacyMap<ContractAddress, u64>,
        total_deposits: u128,
        fees_collected: u128,
        // Markets and history.
        pairs: LegacyMap<felt252, TradingPair>,
        positions: LegacyMap<(ContractAddress, felt252), Position>,
        achievements: LegacyMap<(ContractAddress, felt252), bool>,
        trade_count: u64,
        trades: LegacyMap<u64, Trade>,
        // Incremental invariant check (see `check_invariants`): users [0, invariant_cursor) are
        // summed into invariant_sum; invariant_status is 0 until a pass completes, then its result.
        invariant_cursor: u32,
        invariant_sum: u128,
        invariant_status: felt252,
        // Written by v2's migration (users [0, migration_cursor) are on v2's packed layout). v1
        // only reads it, to refuse serving data a migration left half-converted.
        migration_cursor: u32,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        UserRegistered: UserRegistered,
        Deposited: Deposited,
        Withdrawn: Withdrawn,
        PairListed: PairListed,
        TradeExecuted: TradeExecuted,
        XpGranted: XpGranted,
        AchievementUnlocked: AchievementUnlocked,
        Upgraded: Upgraded,
        RolledBack: RolledBack,
        Paused: Paused,
        Resumed: Resumed,
        InvariantsChecked: InvariantsChecked,
    }

    #[derive(Drop, starknet::Event)]
    struct InvariantsChecked {
        status: felt252,
        user_count: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct UserRegistered {
        #[key]
        user: ContractAddress,
        index: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct Deposited {
        #[key]
        user: ContractAddress,
        amount: u128,
    }

    #[derive(Drop, starknet::Event)]
    struct Withdrawn {
        #[key]
        user: ContractAddress,
        amount: u128,
    }

    #[derive(Drop, starknet::Event)]
    struct PairListed {
        #[key]
        pair_id: felt252,
        fee_bps: u16,
    }

    #[derive(Drop, starknet::Event)]
    struct TradeExecuted {
        #[key]
        trade_id: u64,
        trader: ContractAddress,
        pair_id: felt252,
        size: u128,
        price: u128,
        is_long: bool,
        fee: u128,
    }

    #[derive(Drop, starknet::Event)]
    struct XpGranted {
        #[key]
        user: ContractAddress,
        amount: u64,
    }

    #[derive(Drop, starknet::Event)]
    struct AchievementUnlocked {
        #[key]
        user: ContractAddress,
        achievement: felt252,
    }

    #[derive(Drop, starknet::Event)]
    struct Upgraded {
        previous_class_hash: ClassHash,
        new_class_hash: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct RolledBack {
        from_class_hash: ClassHash,
        to_class_hash: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct Paused {
        by: ContractAddress,
    }

    #[derive(Drop, starknet::Event)]
    struct Resumed {
        by: ContractAddress,
    }

    // `class_hash` must be the class this contract is deployed with (see `current_class_hash`).
    #[constructor]
    fn constructor(
        ref self: ContractState,
        governance: ContractAddress,
        emergency: ContractAddress,
        admin: ContractAddress,
        class_hash: ClassHash
    ) {
        assert(governance.is_non_zero(), 'governance is zero');
        assert(emergency.is_non_zero(), 'emergency is zero');
        assert(class_hash.is_non_zero(), 'class hash is zero');
        self.governance.write(governance);
        self.emergency.write(emergency);
        self.admin.write(admin);
        self.current_class_hash.write(class_hash);
        self.storage_version.write(STORAGE_VERSION);
    }

    #[external(v0)]
    impl ExchangeV1Impl of super::IExchangeV1<ContractState> {
        fn register(ref self: ContractState) {
            self.assert_not_paused();
            let user = get_caller_address();
            assert(!self.user_registered.read(user), 'already registered');
            let index = self.user_count.read();
            self.user_at.write(index, user);
            self.user_count.write(index + 1);
            self.user_registered.write(user, true);
            self.user_registered_at.write(user, get_block_timestamp());
            self.emit(Event::UserRegistered(UserRegistered { user, index }));
        }

        fn deposit(ref self: ContractState, amount: u128) {
            self.assert_not_paused();
            let user = self.registered_caller();
            assert(amount > 0, 'amount is zero');
            self.user_balance.write(user, self.user_balance.read(user) + amount);
            self.total_deposits.write(self.total_deposits.read() + amount);
            self.emit(Event::Deposited(Deposited { user, amount }));
        }

        fn withdraw(ref self: ContractState, amount: u128) {
            self.assert_not_paused();
            let user = self.registered_caller();
            let balance = self.user_balance.read(user);
            assert(amount > 0, 'amount is zero');
            assert(balance >= amount, 'insufficient balance');
            self.user_balance.write(user, balance - amount);
            self.total_deposits.write(self.total_deposits.read() - amount);
            self.emit(Event::Withdrawn(Withdrawn { user, amount }));
        }

        fn open_position(
            ref self: ContractState, pair_id: felt252, size: u128, price: u128, is_long: bool
        ) {
            self.assert_not_paused();
            let trader = self.registered_caller();
            let pair = self.pairs.read(pair_id);
            assert(pair.active, 'unknown pair');
            assert(size > 0 && price > 0, 'size and price must be > 0');
            // The fee moves from the trader's balance to `fees_collected`: total unchanged.
            let fee = size * pair.fee_bps.into() / BPS_DENOMINATOR;
            let balance = self.user_balance.read(trader);
            assert(balance >= fee, 'insufficient balance for fee');
            self.user_balance.write(trader, balance - fee);
            self.fees_collected.write(self.fees_collected.read() + fee);

            let position = self.positions.read((trader, pair_id));
            assert(position.size == 0 || position.is_long == is_long, 'opposite position open');
            let new_size = position.size + size;
            let entry_price = (position.size * position.entry_price + size * price) / new_size;
            self
                .positions
                .write((trader, pair_id), Position { size: new_size, entry_price, is_long });

            let trade_id = self.trade_count.read();
            self.trade_count.write(trade_id + 1);
            let timestamp = get_block_timestamp();
            self
                .trades
                .write(
                    trade_id, Trade { trader, pair_id, size, price, is_long, fee, timestamp }
                );
            let user_trades = self.user_trade_count.read(trader) + 1;
            self.user_trade_count.write(trader, user_trades);
            self.user_xp.write(trader, self.user_xp.read(trader) + XP_PER_TRADE);
            self
                .emit(
                    Event::TradeExecuted(
                        TradeExecuted { trade_id, trader, pair_id, size, price, is_long, fee }
                    )
                );
            if user_trades == 1 {
                self.unlock(trader, ACHIEVEMENT_FIRST_TRADE);
            }
        }

        fn list_pair(
            ref self: ContractState,
            pair_id: felt252,
            base_asset: felt252,
            quote_asset: felt252,
            fee_bps: u16
        ) {
            self.assert_admin();
            assert(!self.pairs.read(pair_id).active, 'pair already listed');
            assert(fee_bps <= 1000, 'fee above 10%');
            self
                .pairs
                .write(pair_id, TradingPair { base_asset, quote_asset, fee_bps, active: true });
            self.emit(Event::PairListed(PairListed { pair_id, fee_bps }));
        }

        fn grant_xp(ref self: ContractState, user: ContractAddress, amount: u64) {
            self.assert_admin();
            assert(self.user_registered.read(user), 'user not registered');
            self.user_xp.write(user, self.user_xp.read(user) + amount);
            self.emit(Event::XpGranted(XpGranted { user, amount }));
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            assert(get_caller_address() == self.governance.read(), 'caller is not governance');
            assert(new_class_hash.is_non_zero(), 'class hash is zero');
            let previous_class_hash = self.current_class_hash.read();
            assert(new_class_hash != previous_class_hash, 'class already current');
            let len = self.class_hash_history_len.read();
            self.class_hash_history.write(len, previous_class_hash);
            self.class_hash_history_len.write(len + 1);
            self.current_class_hash.write(new_class_hash);
            // Storage is kept; the new class serves every later call (its constructor does not
            // run: v2 initialises through its migration entry points).
            replace_class_syscall(new_class_hash).unwrap_syscall();
            self.emit(Event::Upgraded(Upgraded { previous_class_hash, new_class_hash }));
        }

        fn pause(ref self: ContractState) {
            self.assert_emergency_or_governance();
            assert(!self.paused.read(), 'already paused');
            self.paused.write(true);
            self.reset_invariant_check();
            self.emit(Event::Paused(Paused { by: get_caller_address() }));
        }

        fn rollback(ref self: ContractState) {
            self.assert_emergency_or_governance();
            let len = self.class_hash_history_len.read();
            assert(len > 0, 'no previous class');
            let to_class_hash = self.class_hash_history.read(len - 1);
            self.class_hash_history.write(len - 1, Zeroable::zero());
            self.class_hash_history_len.write(len - 1);
            let from_class_hash = self.current_class_hash.read();
            self.current_class_hash.write(to_class_hash);
            // The restored code must not serve users before governance has checked the state.
            if !self.paused.read() {
                self.paused.write(true);
                self.emit(Event::Paused(Paused { by: get_caller_address() }));
            }
            self.reset_invariant_check();
            replace_class_syscall(to_class_hash).unwrap_syscall();
            self.emit(Event::RolledBack(RolledBack { from_class_hash, to_class_hash }));
        }

        fn resume(ref self: ContractState) {
            assert(get_caller_address() == self.governance.read(), 'caller is not governance');
            assert(self.paused.read(), 'not paused');
            let status = self.health_status();
            assert(status == 'OK', status);
            self.paused.write(false);
            self.emit(Event::Resumed(Resumed { by: get_caller_address() }));
        }

        fn health_check(self: @ContractState) -> felt252 {
            self.health_status()
        }

        fn check_invariants(ref self: ContractState, batch_size: u32) -> u32 {
            assert(self.paused.read(), 'pause before checking');
            assert(batch_size > 0 && batch_size <= MAX_CHECK_BATCH, 'invalid batch size');
            assert(self.invariant_status.read() == 0, 'check already complete');
            let user_count = self.user_count.read();
            let from_index = self.invariant_cursor.read();
            let to_index = if user_count - from_index > batch_size {
                from_index + batch_size
            } else {
                user_count
            };
            let mut sum = self.invariant_sum.read();
            let mut index = from_index;
            loop {
                if index == to_index {
                    break;
                }
                sum += self.user_balance.read(self.user_at.read(index));
                index += 1;
            };
            self.invariant_cursor.write(to_index);
            self.invariant_sum.write(sum);
            if to_index == user_count {
                let status = if sum + self.fees_collected.read() == self.total_deposits.read() {
                    'OK'
                } else {
                    'balances != total deposits'
                };
                self.invariant_status.write(status);
                self.emit(Event::InvariantsChecked(InvariantsChecked { status, user_count }));
            }
            user_count - to_index
        }

        fn version(self: @ContractState) -> u32 {
            CODE_VERSION
        }

        fn get_storage_version(self: @ContractState) -> u32 {
            self.storage_version.read()
        }

        fn is_paused(self: @ContractState) -> bool {
            self.paused.read()
        }

        fn get_governance(self: @ContractState) -> ContractAddress {
            self.governance.read()
        }

        fn get_current_class_hash(self: @ContractState) -> ClassHash {
            self.current_class_hash.read()
        }

        fn get_class_hash_history_len(self: @ContractState) -> u32 {
            self.class_hash_history_len.read()
        }

        fn get_class_hash_history(self: @ContractState, index: u32) -> ClassHash {
            self.class_hash_history.read(index)
        }

        fn is_registered(self: @ContractState, user: ContractAddress) -> bool {
            self.user_registered.read(user)
        }

        fn get_user_count(self: @ContractState) -> u32 {
            self.user_count.read()
        }

        fn get_user_at(self: @ContractState, index: u32) -> ContractAddress {
            self.user_at.read(index)
        }

        fn get_balance(self: @ContractState, user: ContractAddress) -> u128 {
            self.user_balance.read(user)
        }

        fn get_xp(self: @ContractState, user: ContractAddress) -> u64 {
            self.user_xp.read(user)
        }

        fn get_user_trade_count(self: @ContractState, user: ContractAddress) -> u32 {
            self.user_trade_count.read(user)
        }

        fn get_registered_at(self: @ContractState, user: ContractAddress) -> u64 {
            self.user_registered_at.read(user)
        }

        fn has_achievement(
            self: @ContractState, user: ContractAddress, achievement: felt252
        ) -> bool {
            self.achievements.read((user, achievement))
        }

        fn get_pair(self: @ContractState, pair_id: felt252) -> TradingPair {
            self.pairs.read(pair_id)
        }

        fn get_position(self: @ContractState, user: ContractAddress, pair_id: felt252) -> Position {
            self.positions.read((user, pair_id))
        }

        fn get_trade_count(self: @ContractState) -> u64 {
            self.trade_count.read()
        }

        fn get_trade(self: @ContractState, trade_id: u64) -> Trade {
            self.trades.read(trade_id)
        }

        fn get_total_deposits(self: @ContractState) -> u128 {
            self.total_deposits.read()
        }

        fn get_fees_collected(self: @ContractState) -> u128 {
            self.fees_collected.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        // 'OK', or the first invariant that does not hold. O(1): the structural checks here, the
        // per-user sum from the last complete `check_invariants` pass.
        fn health_status(self: @ContractState) -> felt252 {
            if self.storage_version.read() != STORAGE_VERSION {
                return 'storage version mismatch';
            }
            if self.migration_cursor.read() != 0 {
                return 'migration not rolled back';
            }
            let status = self.invariant_status.read();
            if status == 0 {
                return 'invariants not checked';
            }
            status
        }

        fn reset_invariant_check(ref self: ContractState) {
            self.invariant_cursor.write(0);
            self.invariant_sum.write(0);
            self.invariant_status.write(0);
        }

        fn assert_not_paused(self: @ContractState) {
            assert(!self.paused.read(), 'exchange paused');
        }

        fn assert_admin(self: @ContractState) {
            assert(get_caller_address() == self.admin.read(), 'caller is not admin');
        }

        fn assert_emergency_or_governance(self: @ContractState) {
            let caller = get_caller_address();
            assert(
                caller == self.emergency.read() || caller == self.governance.read(),
                'caller is not emergency'
            );
        }

        fn registered_caller(self: @ContractState) -> ContractAddress {
            let user = get_caller_address();
            assert(self.user_registered.read(user), 'user not registered');
            user
        }

        fn unlock(ref self: ContractState, user: ContractAddress, achievement: felt252) {
            self.achievements.write((user, achievement), true);
            self.emit(Event::AchievementUnlocked(AchievementUnlocked { user, achievement }));
        }
    }
}
