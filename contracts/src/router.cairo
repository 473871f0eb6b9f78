// Diamond router: a registry of selector -> facet class hash and one generic entry point,
// `dispatch(selector, calldata)`, that runs the facet's code on the router's storage with
// library_call_syscall (Cairo 2 has no fallback entry point, so unknown selectors cannot be
// caught; callers name the facet function in `dispatch`'s arguments instead).
//
// Security reasoning:
// - A facet runs with the router's storage and identity: a facet calling replace_class would
//   replace the ROUTER's class. So only governance (multisig + timelock) edits the registry.
// - Each selector maps to exactly one facet: `add_facet` refuses a selector already taken, and
//   changing an existing mapping is an explicit `replace_facet`.
// - The router's own selectors are reserved: registering them is refused, so a facet can never
//   shadow `dispatch` or the admin functions. Cairo 2.1 has no `selector!`, so the deployer
//   passes them to the constructor (computed with sn_keccak of each name); the tests check the
//   list against the compiled class's entry points.
use starknet::ClassHash;

#[starknet::interface]
trait IRouter<TContractState> {
    fn dispatch(ref self: TContractState, selector: felt252, calldata: Array<felt252>) -> Span<felt252>;
    fn add_facet(ref self: TContractState, selector: felt252, class_hash: ClassHash);
    fn replace_facet(ref self: TContractState, selector: felt252, class_hash: ClassHash);
    fn remove_facet(ref self: TContractState, selector: felt252);
    fn facet_of(self: @TContractState, selector: felt252) -> ClassHash;
    fn is_reserved_selector(self: @TContractState, selector: felt252) -> bool;
    fn get_facet_count(self: @TContractState) -> u32;
}

#[starknet::contract]
mod Router {
    use array::ArrayTrait;
    use array::SpanTrait;
    use starknet::ClassHash;
    use starknet::ContractAddress;
    use starknet::get_caller_address;
    use starknet::syscalls::library_call_syscall;
    use zeroable::Zeroable;

    #[storage]
    struct Storage {
        router_governance: ContractAddress,
        router_facets: LegacyMap<felt252, ClassHash>,
        router_reserved: LegacyMap<felt252, bool>,
        router_facet_count: u32,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        FacetAdded: FacetAdded,
        FacetReplaced: FacetReplaced,
        FacetRemoved: FacetRemoved,
    }

    #[derive(Drop, starknet::Event)]
    struct FacetAdded {
        #[key]
        selector: felt252,
        class_hash: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct FacetReplaced {
        #[key]
        selector: felt252,
        old_class_hash: ClassHash,
        new_class_hash: ClassHash,
    }

    #[derive(Drop, starknet::Event)]
    struct FacetRemoved {
        #[key]
        selector: felt252,
        class_hash: ClassHash,
    }

    #[constructor]
    fn constructor(
        ref self: ContractState, governance: ContractAddress, reserved_selectors: Array<felt252>
    ) {
        assert(governance.is_non_zero(), 'governance is zero');
        self.router_governance.write(governance);
        let reserved = reserved_selectors.span();
        assert(reserved.len() > 0, 'no reserved selectors');
        let mut index: u32 = 0;
        loop {
            if index == reserved.len() {
                break;
            }
            self.router_reserved.write(*reserved.at(index), true);
            index += 1;
        };
    }

    #[external(v0)]
    impl RouterImpl of super::IRouter<ContractState> {
        fn dispatch(
            ref self: ContractState, selector: felt252, calldata: Array<felt252>
        ) -> Span<felt252> {
            let facet = self.router_facets.read(selector);
            assert(facet.is_non_zero(), 'unknown selector');
            library_call_syscall(facet, selector, calldata.span()).unwrap_syscall()
        }

        fn add_facet(ref self: ContractState, selector: felt252, class_hash: ClassHash) {
            self.assert_only_governance();
            assert(!self.router_reserved.read(selector), 'selector reserved by router');
            assert(self.router_facets.read(selector).is_zero(), 'selector already taken');
            assert(class_hash.is_non_zero(), 'class hash is zero');
            self.router_facets.write(selector, class_hash);
            self.router_facet_count.write(self.router_facet_count.read() + 1);
            self.emit(Event::FacetAdded(FacetAdded { selector, class_hash }));
        }

        fn replace_facet(ref self: ContractState, selector: felt252, class_hash: ClassHash) {
            self.assert_only_governance();
            let old_class_hash = self.router_facets.read(selector);
            assert(old_class_hash.is_non_zero(), 'unknown selector');
            assert(class_hash.is_non_zero(), 'class hash is zero');
            assert(class_hash != old_class_hash, 'facet already current');
            self.router_facets.write(selector, class_hash);
            self
                .emit(
                    Event::FacetReplaced(
                        FacetReplaced { selector, old_class_hash, new_class_hash: class_hash }
                    )
                );
        }

        fn remove_facet(ref self: ContractState, selector: felt252) {
            self.assert_only_governance();
            let class_hash = self.router_facets.read(selector);
            assert(class_hash.is_non_zero(), 'unknown selector');
            self.router_facets.write(selector, Zeroable::zero());
            self.router_facet_count.write(self.router_facet_count.read() - 1);
            self.emit(Event::FacetRemoved(FacetRemoved { selector, class_hash }));
        }

        fn facet_of(self: @ContractState, selector: felt252) -> ClassHash {
            self.router_facets.read(selector)
        }

        fn is_reserved_selector(self: @ContractState, selector: felt252) -> bool {
            self.router_reserved.read(selector)
        }

        fn get_facet_count(self: @ContractState) -> u32 {
            self.router_facet_count.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn assert_only_governance(self: @ContractState) {
            assert(get_caller_address() == self.router_governance.read(), 'caller is not governance');
        }
    }
}
