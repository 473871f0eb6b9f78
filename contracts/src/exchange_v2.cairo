// Exchange v2, installed over v1 by `upgrade` (replace_class keeps the address and storage).
//
// Layout change: v1 keeps each user field in its own map (user_balance, user_xp,
// user_trade_count, user_registered_at). v2 packs them, plus the new `level`, into one
// `UserRecord` under the NEW name `user_records`, so no v1 slot is reinterpreted by the new type.
// Every other member keeps its v1 name and type (same addresses, same encoding).
//
// Migration (replace_class runs no constructor, so v2 initialises through these entry points).
// GOVERNANCE chooses the direction; the batches are mechanical and bounded, so the admin (or
// governance) runs them, but can only ever advance the direction governance approved:
//   authorize_migration(target)    governance only (proposal + timelock). target 2 = forward, 1 =
//                                  back to the v1 layout (only while paused). Until governance
//                                  first calls it, the governance-approved upgrade to this class
//                                  stands for "forward".
//   migrate_users(batch_size)      governance or admin; forward authorised; storage_version == 1:
//                                  moves users [cursor, cursor + batch) into packed records and
//                                  clears their v1 slots; storage_version = 2 after the last user
//   rollback_migration(batch_size) governance or admin; backward authorised; paused: a REVERSE
//                                  migration of the LIVE records (not of a snapshot taken at
//                                  migration time): users [cursor - batch, cursor) get their
//                                  current balance, XP, trade count and registration time written
//                                  back to the v1 maps; storage_version = 1 from the first batch on
// Users [0, migration_cursor) are on the packed layout, the others on the v1 maps: the forward
// migration advances the cursor, a user registered under v2 takes the next index and advances it
// too, the reverse migration walks it back to 0. Each batch moves whole users, so the sum of
// balances and the user count are the same after every batch. Positions, achievements and the
// trade history have one layout in both versions and are never moved. User-facing entry points
// require storage_version == 2 (migration complete) and not paused.
use starknet::ClassHash;
use starknet::ContractAddress;
use upgrade_system::types::{Position, Trade, TradingPair, UserRecord};

#[starknet::interface]
trait IExchangeV2<TContractState> {
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
    // Migration from the v1 layout.
    fn authorize_migration(ref self: TContractState, target_version: u32);
    fn migrate_users(ref self: TContractState, batch_size: u32) -> u32;
    fn rollback_migration(ref self: TContractState, batch_size: u32) -> u32;
    fn get_migration_cursor(self: @TContractState) -> u32;
    fn get_migration_target(self: @TContractState) -> u32;
    // Upgrade and emergency.
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
    fn pause(ref self: TContractState);
    fn rollback(ref self: TContractState);
    fn resume(ref self: TContractState);
    fn health_check(self: @TContractState) -> felt252;
    fn check_invariants(ref self: TContractState, batch_size: u32) -> u32;
    // Views (v1's, now served from the packed record; plus get_user and get_level).
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
    fn get_user(self: @TContractState, user: ContractAddress) -> UserRecord;
    fn get_balance(self: @TContractState, user: ContractAddress) -> u128;
    fn get_xp(self: @TContractState, user: ContractAddress) -> u64;
    fn get_level(self: @TContractState, user: ContractAddress) -> u8;
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
mod ExchangeV2 {
    use starknet::ClassHash;
    use starknet::ContractAddress;
    use starknet::get_block_timestamp;
    use starknet::get_caller_address;
    use starknet::syscalls::replace_class_syscall;
    use traits::Into;
    use traits::TryInto;
    use option::OptionTrait;
    use zeroable::Zeroable;
    use upgrade_system::types::{Position, Trade, TradingPair, UserRecord};

    const CODE_VERSION: u32 = 2;
    const STORAGE_VERSION: u32 = 2;
    // The layout this code migrates from.
    const LEGACY_STORAGE_VERSION: u32 = 1;
    const MAX_MIGRATION_BATCH: u32 = 25;
    const MAX_CHECK_BATCH: u32 = 50;
    const XP_PER_TRADE: u64 = 100;
    const XP_PER_LEVEL: u64 = 300;
    const MAX_LEVEL: u8 = 255;
    const BPS_DENOMINATOR: u128 = 10000;
    const ACHIEVEMENT_FIRST_TRADE: felt252 = 'FIRST_TRADE';
    const ACHIEVEMENT_LEVEL_3: felt252 = 'LEVEL_3';

    #[storage]
    struct Storage {
        // Authorities and upgrade state (unchanged from v1).
        governance: ContractAddress,
        emergency: ContractAddress,
        admin: ContractAddress,
        paused: bool,
        storage_version: u32,
        current_class_hash: ClassHash,
        class_hash_history: LegacyMap<u32, ClassHash>,
        class_hash_history_len: u32,
        // Users. The registry is unchanged; the per-field v1 maps are still declared so the
        // migration can read and clear them and the reverse migration can write them again.
        user_count: u32,
        user_at: LegacyMap<u32, ContractAddress>,
        user_registered: LegacyMap<ContractAddress, bool>,
        user_balance: LegacyMap<ContractAddress, u128>,
        user_xp: LegacyMap<ContractAddress, u64>,
        user_trade_count: LegacyMap<ContractAddress, u32>,
        user_registered_at: LegacyMap<ContractAddress, u64>,
        total_deposits: u128,
        fees_collected: u128,
        // Markets and history (unchanged from v1).
        pairs: LegacyMap<felt252, TradingPair>,
        positions: LegacyMap<(ContractAddress, felt252), Position>,
        achievements: LegacyMap<(ContractAddress, felt252), bool>,
        trade_count: u64,
        trades: LegacyMap<u64, Trade>,
        // Incremental invariant check (as in v1).
        invariant_cursor: u32,
        invariant_sum: u128,
        invariant_status: felt252,
        // Declared by v1 too (v1 only reads it): users [0, migration_cursor) are on this layout.
        migration_cursor: u32,
        // New in v2.
        user_records: LegacyMap<ContractAddress, UserRecord>,
        // The layout governance approved migrating to: 0 (never set: forward, as approved by the
        // upgrade to this class), 2 forward, 1 back to v1.
        migration_target: u32,
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
        LevelUp: LevelUp,
        Upgraded: Upgraded,
        RolledBack: RolledBack,
        Paused: Paused,
        Resumed: Resumed,
        MigrationProgress: MigrationProgress,
        MigrationCompleted: MigrationCompleted,
        MigrationRolledBack: MigrationRolledBack,
        MigrationAuthorized: MigrationAuthorized,
        InvariantsChecked: InvariantsChecked,
    }

    #[derive(Drop, starknet::Event)]
    struct MigrationAuthorized {
        target_version: u32,
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
    struct LevelUp {
        #[key]
        user: ContractAddress,
        level: u8,
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

    #[derive(Drop, starknet::Event)]
    struct MigrationProgress {
        from_index: u32,
        to_index: u32,
        user_count: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct MigrationCompleted {
        user_count: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct MigrationRolledBack {
        user_count: u32,
    }

    // Runs only for a fresh v2 deployment, which starts directly on the v2 layout. An upgraded
    // deployment keeps v1's storage_version (1) until `migrate_users` completes.
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
    impl ExchangeV2Impl of super::IExchangeV2<ContractState> {
        fn register(ref self: ContractState) {
            self.assert_live();
            let user = get_caller_address();
            assert(!self.user_registered.read(user), 'already registered');
            let index = self.user_count.read();
            self.user_at.write(index, user);
            self.user_count.write(index + 1);
            // Registered on the packed layout: inside the migrated range.
            self.migration_cursor.write(index + 1);
            self.user_registered.write(user, true);
            self
                .user_records
                .write(
                    user,
                    UserRecord {
                        balance: 0,
                        xp: 0,
                        level: 1,
                        trade_count: 0,
                        registered_at: get_block_timestamp()
                    }
                );
            self.emit(Event::UserRegistered(UserRegistered { user, index }));
        }

        fn deposit(ref self: ContractState, amount: u128) {
            self.assert_live();
            let user = self.registered_caller();
            assert(amount > 0, 'amount is zero');
            let mut record = self.user_records.read(user);
            record.balance += amount;
            self.user_records.write(user, record);
            self.total_deposits.write(self.total_deposits.read() + amount);
            self.emit(Event::Deposited(Deposited { user, amount }));
        }

        fn withdraw(ref self: ContractState, amount: u128) {
            self.assert_live();
            let user = self.registered_caller();
            let mut record = self.user_records.read(user);
            assert(amount > 0, 'amount is zero');
            assert(record.balance >= amount, 'insufficient balance');
            record.balance -= amount;
            self.user_records.write(user, record);
            self.total_deposits.write(self.total_deposits.read() - amount);
            self.emit(Event::Withdrawn(Withdrawn { user, amount }));
        }

        fn open_position(
            ref self: ContractState, pair_id: felt252, size: u128, price: u128, is_long: bool
        ) {
            self.assert_live();
            let trader = self.registered_caller();
            let pair = self.pairs.read(pair_id);
            assert(pair.active, 'unknown pair');
            assert(size > 0 && price > 0, 'size and price must be > 0');
            let fee = size * pair.fee_bps.into() / BPS_DENOMINATOR;
            let mut record = self.user_records.read(trader);
            assert(record.balance >= fee, 'insufficient balance for fee');
            record.balance -= fee;
            record.trade_count += 1;
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
            self
                .emit(
                    Event::TradeExecuted(
                        TradeExecuted { trade_id, trader, pair_id, size, price, is_long, fee }
                    )
                );
            if record.trade_count == 1 {
                self.unlock(trader, ACHIEVEMENT_FIRST_TRADE);
            }
            self.add_xp(trader, record, XP_PER_TRADE);
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
            assert(self.storage_version.read() == STORAGE_VERSION, 'migration pending');
            assert(self.user_registered.read(user), 'user not registered');
            let record = self.user_records.read(user);
            self.emit(Event::XpGranted(XpGranted { user, amount }));
            self.add_xp(user, record, amount);
        }

        fn authorize_migration(ref self: ContractState, target_version: u32) {
            assert(get_caller_address() == self.governance.read(), 'caller is not governance');
            assert(
                target_version == STORAGE_VERSION || target_version == LEGACY_STORAGE_VERSION,
                'unknown storage version'
            );
            let version = self.storage_version.read();
            if target_version == STORAGE_VERSION {
                assert(version == LEGACY_STORAGE_VERSION, 'already migrated');
            } else {
                // The reverse migration rewrites live records: only with user operations stopped.
                assert(self.paused.read(), 'pause before rollback');
                assert(
                    version == STORAGE_VERSION || self.migration_cursor.read() > 0,
                    'nothing to roll back'
                );
            }
            self.migration_target.write(target_version);
            self.emit(Event::MigrationAuthorized(MigrationAuthorized { target_version }));
        }

        fn migrate_users(ref self: ContractState, batch_size: u32) -> u32 {
            self.assert_governance_or_admin();
            assert(self.effective_target() == STORAGE_VERSION, 'migration not authorized');
            // Version guard: only v1-layout data is migrated, and a finished migration (version
            // 2) can never run again over records that v2 has since modified.
            assert(
                self.storage_version.read() == LEGACY_STORAGE_VERSION, 'already migrated'
            );
            assert(batch_size > 0 && batch_size <= MAX_MIGRATION_BATCH, 'invalid batch size');
            let user_count = self.user_count.read();
            let from_index = self.migration_cursor.read();
            // Bounded work per call: at most MAX_MIGRATION_BATCH users.
            let to_index = if user_count - from_index > batch_size {
                from_index + batch_size
            } else {
                user_count
            };
            let mut index = from_index;
            loop {
                if index == to_index {
                    break;
                }
                self.migrate_user(self.user_at.read(index));
                index += 1;
            };
            self.migration_cursor.write(to_index);
            self.reset_invariant_check();
            self
                .emit(
                    Event::MigrationProgress(MigrationProgress { from_index, to_index, user_count })
                );
            if to_index == user_count {
                self.storage_version.write(STORAGE_VERSION);
                self.emit(Event::MigrationCompleted(MigrationCompleted { user_count }));
            }
            user_count - to_index
        }

        fn rollback_migration(ref self: ContractState, batch_size: u32) -> u32 {
            self.assert_governance_or_admin();
            assert(
                self.migration_target.read() == LEGACY_STORAGE_VERSION, 'rollback not authorized'
            );
            // Rewrites live records: only with user operations stopped.
            assert(self.paused.read(), 'pause before rollback');
            assert(batch_size > 0 && batch_size <= MAX_MIGRATION_BATCH, 'invalid batch size');
            let from_index = self.migration_cursor.read();
            assert(from_index > 0, 'nothing to roll back');
            // From the first restored user on, the data is no longer fully on the v2 layout.
            self.storage_version.write(LEGACY_STORAGE_VERSION);
            let to_index = if from_index > batch_size {
                from_index - batch_size
            } else {
                0
            };
            let mut index = from_index;
            loop {
                if index == to_index {
                    break;
                }
                index -= 1;
                self.unmigrate_user(self.user_at.read(index));
            };
            self.migration_cursor.write(to_index);
            self.reset_invariant_check();
            let user_count = self.user_count.read();
            self
                .emit(
                    Event::MigrationProgress(MigrationProgress { from_index, to_index, user_count })
                );
            if to_index == 0 {
                self.emit(Event::MigrationRolledBack(MigrationRolledBack { user_count }));
            }
            to_index
        }

        fn get_migration_cursor(self: @ContractState) -> u32 {
            self.migration_cursor.read()
        }

        fn get_migration_target(self: @ContractState) -> u32 {
            self.effective_target()
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

        // Rolling back to v1 is only healthy after `rollback_migration`: v1 code cannot read
        // packed records (and could not convert them back). So the class rollback is refused
        // until every user is back on the v1 layout (storage_version 1, cursor 0); before any
        // migration batch ran, that is already the case.
        fn rollback(ref self: ContractState) {
            self.assert_emergency_or_governance();
            assert(
                self.storage_version.read() == LEGACY_STORAGE_VERSION
                    && self.migration_cursor.read() == 0,
                'roll back the migration first'
            );
            let len = self.class_hash_history_len.read();
            assert(len > 0, 'no previous class');
            let to_class_hash = self.class_hash_history.read(len - 1);
            self.class_hash_history.write(len - 1, Zeroable::zero());
            self.class_hash_history_len.write(len - 1);
            let from_class_hash = self.current_class_hash.read();
            self.current_class_hash.write(to_class_hash);
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
                // The balance on whichever layout the user is (as `load_user` reads it).
                let user = self.user_at.read(index);
                let record = self.user_records.read(user);
                if record.registered_at != 0 {
                    sum += record.balance;
                } else {
                    sum += self.user_balance.read(user);
                }
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

        fn get_user(self: @ContractState, user: ContractAddress) -> UserRecord {
            self.load_user(user)
        }

        fn get_balance(self: @ContractState, user: ContractAddress) -> u128 {
            self.load_user(user).balance
        }

        fn get_xp(self: @ContractState, user: ContractAddress) -> u64 {
            self.load_user(user).xp
        }

        fn get_level(self: @ContractState, user: ContractAddress) -> u8 {
            self.load_user(user).level
        }

        fn get_user_trade_count(self: @ContractState, user: ContractAddress) -> u32 {
            self.load_user(user).trade_count
        }

        fn get_registered_at(self: @ContractState, user: ContractAddress) -> u64 {
            self.load_user(user).registered_at
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

    fn level_for_xp(xp: u64) -> u8 {
        let level = 1 + xp / XP_PER_LEVEL;
        if level >= MAX_LEVEL.into() {
            MAX_LEVEL
        } else {
            level.try_into().unwrap()
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
            if self.migration_cursor.read() != self.user_count.read() {
                return 'migration incomplete';
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

        fn effective_target(self: @ContractState) -> u32 {
            let target = self.migration_target.read();
            if target == 0 {
                STORAGE_VERSION
            } else {
                target
            }
        }

        // The user's data on whichever layout it currently has: the packed record once migrated
        // (a registered record has registered_at != 0), the v1 maps before.
        fn load_user(self: @ContractState, user: ContractAddress) -> UserRecord {
            let record = self.user_records.read(user);
            if record.registered_at != 0 {
                return record;
            }
            let xp = self.user_xp.read(user);
            UserRecord {
                balance: self.user_balance.read(user),
                xp,
                level: level_for_xp(xp),
                trade_count: self.user_trade_count.read(user),
                registered_at: self.user_registered_at.read(user),
            }
        }

        fn migrate_user(ref self: ContractState, user: ContractAddress) {
            let xp = self.user_xp.read(user);
            self
                .user_records
                .write(
                    user,
                    UserRecord {
                        balance: self.user_balance.read(user),
                        xp,
                        level: level_for_xp(xp),
                        trade_count: self.user_trade_count.read(user),
                        registered_at: self.user_registered_at.read(user),
                    }
                );
            // Clearing the v1 slots leaves a single source of truth: no stale copy can ever be
            // written back over later v2 activity (the reverse migration reads the live record).
            self.user_balance.write(user, 0);
            self.user_xp.write(user, 0);
            self.user_trade_count.write(user, 0);
            self.user_registered_at.write(user, 0);
        }

        // The reverse of `migrate_user`, from the LIVE record: whatever v2 did since the
        // migration (deposits, trades, XP, users registered under v2) is what v1 reads back. The
        // level is derived from XP and not stored by v1.
        fn unmigrate_user(ref self: ContractState, user: ContractAddress) {
            let record = self.user_records.read(user);
            self.user_balance.write(user, record.balance);
            self.user_xp.write(user, record.xp);
            self.user_trade_count.write(user, record.trade_count);
            self.user_registered_at.write(user, record.registered_at);
            self
                .user_records
                .write(
                    user, UserRecord {
                        balance: 0, xp: 0, level: 0, trade_count: 0, registered_at: 0
                    }
                );
        }

        fn add_xp(ref self: ContractState, user: ContractAddress, record: UserRecord, amount: u64) {
            let mut record = record;
            record.xp += amount;
            let level = level_for_xp(record.xp);
            let leveled_up = level > record.level;
            record.level = level;
            self.user_records.write(user, record);
            if leveled_up {
                self.emit(Event::LevelUp(LevelUp { user, level }));
                if level >= 3 && !self.achievements.read((user, ACHIEVEMENT_LEVEL_3)) {
                    self.unlock(user, ACHIEVEMENT_LEVEL_3);
                }
            }
        }

        fn assert_live(self: @ContractState) {
            assert(!self.paused.read(), 'exchange paused');
            assert(self.storage_version.read() == STORAGE_VERSION, 'migration pending');
        }

        fn assert_admin(self: @ContractState) {
            assert(get_caller_address() == self.admin.read(), 'caller is not admin');
        }

        fn assert_governance_or_admin(self: @ContractState) {
            let caller = get_caller_address();
            assert(
                caller == self.governance.read() || caller == self.admin.read(),
                'caller not governance or admin'
            );
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
