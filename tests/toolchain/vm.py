"""A small in-memory Starknet on cairo-lang 0.14's Python VM.

Classes are declared from Sierra + CASM, contracts deployed and called through the real
`ExecuteEntryPoint`. Each deploy or call runs on a child `CachedSyncState` that is merged into
the chain state only on success, so a reverted call leaves no trace. (Importing the `toolchain`
package first installs the finder that makes cairo-lang 0.14 importable on Python 3.11.)
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from starkware.starknet.business_logic.execution.deprecated_objects import (
    ExecutionResourcesManager,
)
from starkware.starknet.business_logic.execution.execute_entry_point import (
    ExecuteEntryPoint,
)
from starkware.starknet.business_logic.execution.objects import (
    CallInfo,
    TransactionExecutionContext,
)
from starkware.starknet.business_logic.state.state import CachedSyncState
from starkware.starknet.business_logic.state.state_api import (
    SyncStateReader,
    get_stark_exception_on_undeclared_contract,
)
from starkware.starknet.business_logic.state.state_api_objects import BlockInfo
from starkware.starknet.core.os.contract_address.contract_address import (
    calculate_contract_address_from_hash,
)
from starkware.starknet.core.os.contract_class.class_hash import (
    compute_class_hash,
)
from starkware.starknet.core.os.contract_class.compiled_class_hash import (
    compute_compiled_class_hash,
)
from starkware.starknet.definitions.constants import GasCost
from starkware.starknet.definitions.data_availability_mode import (
    DataAvailabilityMode,
)
from starkware.starknet.definitions.general_config import StarknetGeneralConfig
from starkware.starknet.public.abi import (
    CONSTRUCTOR_ENTRY_POINT_SELECTOR,
    get_selector_from_name,
)
from starkware.starknet.services.api.contract_class.contract_class import (
    CompiledClass,
    CompiledClassBase,
    ContractClass,
    EntryPointType,
)
from starkware.starkware_utils.error_handling import StarkException

Json = dict[str, Any]
L1 = DataAvailabilityMode.L1
MAX_STEPS = 10_000_000
_FAILURE_REASON = re.compile(r"failure reason: \[([^\]]*)\]")


@dataclass(frozen=True)
class Event:
    """An event as emitted: the emitting address, keys (selector first) and data."""

    from_address: int
    keys: list[int]
    data: list[int]


@dataclass(frozen=True)
class CallResult:
    """What a successful call returned and emitted (events of inner calls included, in order)."""

    retdata: list[int]
    events: list[Event]
    call_info: CallInfo


class CallReverted(Exception):
    """A call failed: `code` is Starknet's error code name, `panic_data` the felts the
    innermost failing call panicked with (empty for non-panic failures), `reason` their text."""

    def __init__(self, code: str, message: str, panic_data: list[int]) -> None:
        self.code = code
        self.message = message
        self.panic_data = panic_data
        self.reason = ", ".join(decode_short_string(felt) for felt in panic_data)
        last_line = message.strip().splitlines()[-1] if message.strip() else ""
        super().__init__(f"{code}: {self.reason if panic_data else last_line}")


def decode_short_string(felt: int) -> str:
    """Text of a Cairo short string felt; the hex value if it is not printable ASCII."""
    raw = felt.to_bytes(32, "big").lstrip(b"\0")
    if raw and all(32 <= byte < 127 for byte in raw):
        return raw.decode("ascii")
    return hex(felt)


def encode_short_string(text: str) -> int:
    """The felt of a Cairo short string literal such as 'caller is not owner'."""
    if len(text) > 31:
        raise ValueError(f"short string longer than 31 characters: {text!r}")
    return int.from_bytes(text.encode("ascii"), "big")


class DictStateReader(SyncStateReader):
    """An empty genesis state plus the declared class objects.

    Every address reads as undeployed (class hash 0), every storage cell and nonce as 0; what
    is deployed, written or declared lives in the `CachedSyncState` above this reader.
    """

    def __init__(self) -> None:
        self.sierra_classes: dict[int, ContractClass] = {}
        self.compiled_classes: dict[int, CompiledClass] = {}

    def get_compiled_class(self, compiled_class_hash: int) -> CompiledClassBase:
        if compiled_class_hash not in self.compiled_classes:
            raise get_stark_exception_on_undeclared_contract(class_hash=compiled_class_hash)
        return self.compiled_classes[compiled_class_hash]

    def get_sierra_class(self, class_hash: int) -> ContractClass:
        if class_hash not in self.sierra_classes:
            raise get_stark_exception_on_undeclared_contract(class_hash=class_hash)
        return self.sierra_classes[class_hash]

    def get_compiled_class_hash(self, class_hash: int) -> int:
        return 0

    def get_class_hash_at(self, contract_address: int) -> int:
        return 0

    def get_nonce_at(self, data_availability_mode: DataAvailabilityMode, contract_address: int) -> int:
        return 0

    def get_storage_at(self, data_availability_mode: DataAvailabilityMode, contract_address: int, key: int) -> int:
        return 0


class Starknet:
    """An in-memory chain: declare classes, deploy contracts, call them, read their storage."""

    def __init__(self, timestamp: int = 1_000, block_number: int = 1) -> None:
        self.reader = DictStateReader()
        self.state = CachedSyncState(
            block_info=BlockInfo.create_for_testing(block_number=block_number, block_timestamp=timestamp),
            state_reader=self.reader,
            compiled_class_cache={},
        )
        self.general_config = StarknetGeneralConfig()
        self._deploy_salt = 0

    def declare(self, sierra: Json, casm: Json) -> int:
        """Declare a class from the compilers' JSON; return its class hash."""
        declared = _load_class(json.dumps(sierra), json.dumps(casm))
        self.reader.sierra_classes[declared.class_hash] = declared.contract_class
        self.reader.compiled_classes[declared.compiled_class_hash] = declared.compiled_class
        self.state.set_compiled_class_hash(class_hash=declared.class_hash, compiled_class_hash=declared.compiled_class_hash)
        return declared.class_hash

    def deploy(
        self,
        class_hash: int,
        constructor_calldata: Sequence[int] = (),
        address: int | None = None,
        caller: int = 0,
    ) -> int:
        """Bind an address to `class_hash` and run its constructor; return the address."""
        if address is None:
            self._deploy_salt += 1
            address = calculate_contract_address_from_hash(
                salt=self._deploy_salt,
                class_hash=class_hash,
                constructor_calldata=list(constructor_calldata),
                deployer_address=caller,
            )
        with self._transaction() as state:
            state.deploy_contract(contract_address=address, class_hash=class_hash)
            compiled_class = state.get_compiled_class_by_class_hash(class_hash=class_hash)
            if compiled_class.entry_points_by_type[EntryPointType.CONSTRUCTOR]:
                self._execute(
                    state,
                    address,
                    CONSTRUCTOR_ENTRY_POINT_SELECTOR,
                    constructor_calldata,
                    caller,
                    EntryPointType.CONSTRUCTOR,
                )
            elif constructor_calldata:
                raise ValueError("constructor calldata given to a class without a constructor")
        return address

    def call(
        self,
        address: int,
        function_name: str,
        calldata: Sequence[int] = (),
        caller: int = 0,
        timestamp: int | None = None,
    ) -> CallResult:
        """Invoke an external function; on success commit its writes, else raise CallReverted.

        `timestamp`, if given, first moves the block clock there (it stays there, as `warp`).
        """
        if timestamp is not None:
            self.warp(timestamp)
        selector = get_selector_from_name(function_name)
        with self._transaction() as state:
            call_info = self._execute(state, address, selector, calldata, caller, EntryPointType.EXTERNAL)
        events = [
            Event(from_address=event.from_address, keys=list(event.keys), data=list(event.data))
            for event in call_info.get_sorted_events()
        ]
        return CallResult(retdata=list(call_info.retdata), events=events, call_info=call_info)

    def storage(self, address: int, key: int) -> int:
        """Raw felt at storage `key` of the contract at `address`."""
        return self.state.get_storage_at(data_availability_mode=L1, contract_address=address, key=key)

    def class_hash_at(self, address: int) -> int:
        """The class hash the contract at `address` is bound to now (0 if none)."""
        return self.state.get_class_hash_at(contract_address=address)

    def warp(self, timestamp: int) -> None:
        """Set the block timestamp seen by later calls."""
        block_info = dataclasses.replace(self.state.block_info, block_timestamp=timestamp)
        self.state.update_block_info(block_info)

    @property
    def timestamp(self) -> int:
        return self.state.block_info.block_timestamp

    @contextmanager
    def _transaction(self) -> Iterator[CachedSyncState]:
        """A child state merged into the chain state only if the `with` body succeeds."""
        try:
            with self.state.copy_and_apply() as child:
                yield child
        except StarkException as error:
            raise _as_reverted(error) from error

    def _execute(
        self,
        state: CachedSyncState,
        address: int,
        selector: int,
        calldata: Sequence[int],
        caller: int,
        entry_point_type: EntryPointType,
    ) -> CallInfo:
        entry_point = ExecuteEntryPoint.create(
            contract_address=address,
            calldata=list(calldata),
            entry_point_selector=selector,
            caller_address=caller,
            initial_gas=GasCost.DEFAULT_INITIAL.value,
            entry_point_type=entry_point_type,
        )
        return entry_point.execute(
            state=state,
            resources_manager=ExecutionResourcesManager.empty(),
            tx_execution_context=TransactionExecutionContext.create_for_testing(
                account_contract_address=caller, n_steps=MAX_STEPS
            ),
            general_config=self.general_config,
        )


def _as_reverted(error: StarkException) -> CallReverted:
    """A CallReverted for the innermost failure: its error code, message and panic data."""
    root = _innermost_stark_exception(error)
    message = root.message or ""
    match = _FAILURE_REASON.search(message)
    panic_data = [int(felt, 16) for felt in match.group(1).split(", ") if felt] if match else []
    return CallReverted(code=root.code.name, message=message, panic_data=panic_data)


def _innermost_stark_exception(error: StarkException) -> StarkException:
    """Follow the VM's wrapping (`inner_exc`, `__cause__`) down to the root failure."""
    innermost, current, seen = error, error.__cause__, {id(error)}
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StarkException):
            innermost = current
        current = getattr(current, "inner_exc", None) or current.__cause__
    return innermost


@dataclass(frozen=True)
class _DeclaredClass:
    contract_class: ContractClass
    compiled_class: CompiledClass
    class_hash: int
    compiled_class_hash: int


@functools.cache
def _load_class(sierra_text: str, casm_text: str) -> _DeclaredClass:
    """Parse and hash a class once per process (hashing takes about a second)."""
    contract_class = load_sierra(json.loads(sierra_text))
    compiled_class = CompiledClass.load(json.loads(casm_text))
    return _DeclaredClass(
        contract_class=contract_class,
        compiled_class=compiled_class,
        class_hash=compute_class_hash(contract_class),
        compiled_class_hash=compute_compiled_class_hash(compiled_class),
    )


def load_sierra(sierra: Json) -> ContractClass:
    """`ContractClass` from compiler JSON: debug info dropped, ABI as a JSON string."""
    data = dict(sierra)
    data.pop("sierra_program_debug_info", None)
    if not isinstance(data.get("abi", ""), str):
        data["abi"] = json.dumps(data["abi"])
    return ContractClass.load(data)
