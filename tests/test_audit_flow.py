"""The audit's light data flow: value sources through locals, struct literals and helpers,
storage writes, assertion comparisons and loop bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.audit.flow import Flow, Flows
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.semantics.values import value_source as Source

SOURCE = """
#[starknet::contract]
mod Sample {
    use starknet::{ContractAddress, get_block_timestamp};
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess, StoragePointerWriteAccess};

    const DELAY: u64 = 100;
    const CAP: u32 = 10;

    #[storage]
    struct Storage {
        delay: u64,
        eta: Map<u64, u64>,
        count: u32,
        values: Map<u32, u128>,
        backup: Map<u32, (u128, u64)>,
    }

    #[external(v0)]
    fn schedule(ref self: ContractState, id: u64, extra: u64) {
        let base = get_block_timestamp();
        let mut when = base + DELAY;
        when += self.current_delay();
        self.eta.write(id, when);
    }

    #[external(v0)]
    fn work(ref self: ContractState, batch: u32) {
        assert(batch > 0 && batch <= CAP, 'bad batch');
        if !(self.count.read() >= batch) {
            panic!("too few");
        }
        let mut i = 0;
        loop {
            if i == batch {
                break;
            }
            let value = self.values.read(i);
            self.backup.write(i, (value, self.delay.read()));
            i += 1;
        };
        let mut j = 0;
        while j < self.count.read() {
            j += 1;
        };
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn current_delay(self: @ContractState) -> u64 {
            self.delay.read()
        }
    }
}
"""


@pytest.fixture(scope="module")
def flows(tmp_path_factory: pytest.TempPathFactory) -> Flows:
    folder: Path = tmp_path_factory.mktemp("flow")
    (folder / "sample.cairo").write_text(SOURCE)
    return Flows(analyze(str(folder)))


def flow_of(flows: Flows, name: str) -> Flow:
    fid = next(f for f in flows.graph.functions if f.endswith(f"::{name}"))
    flow = flows.of(fid)
    assert flow is not None
    return flow


def test_sources_follow_locals_assignments_and_helpers(flows: Flows) -> None:
    flow = flow_of(flows, "schedule")
    (write,) = flow.writes
    assert write.member == "eta" and flow.text(write.key) == "id"  # type: ignore[arg-type]
    assert flow.sources(write.value) == {
        Source("timestamp", "get_block_timestamp"),
        Source("const", "DELAY", 100),
        Source("storage", "delay"),  # through self.current_delay()
    }


def test_checks_split_conjunctions_and_negate_if_panic(flows: Flows) -> None:
    flow = flow_of(flows, "work")
    shown = [(c.op, flow.text(c.left), flow.text(c.right)) for c in flow.checks]
    assert shown == [(">", "batch", "0"), ("<=", "batch", "CAP"), (">=", "self.count.read()", "batch")]


def test_struct_and_tuple_values_carry_their_parts(flows: Flows) -> None:
    flow = flow_of(flows, "work")
    (write,) = flow.writes
    assert flow.sources(write.value) == {Source("storage", "values"), Source("storage", "delay")}


def test_loop_bounds_exclude_what_the_body_changes(flows: Flows) -> None:
    flow = flow_of(flows, "work")
    first, second = flow.loops
    assert first.exits and [flow.text(b) for b in first.bounds] == ["batch"]
    assert second.exits and [flow.text(b) for b in second.bounds] == ["self.count.read()"]
