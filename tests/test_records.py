"""``records.record`` (fields declared with ``records.field``) behaves as ``@dataclass(frozen=True)``
where the tool relies on it: fields and their options, equality and hashing, ``repr``, frozenness,
``replace``/``fields``, and pickling; and as ``@dataclass`` with ``frozen=False``."""

from __future__ import annotations

import dis
import pickle
from typing import ClassVar

import pytest

from cairo_upgrade_lint.records import (
    FrozenInstanceError,
    field,
    fields,
    is_record,
    record,
    replace,
)


@record
class Plain:
    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", compare=False, repr=False)
    cache: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)
    kind: ClassVar[str] = "plain"


@record(slots=True)
class Slotted:
    a: int
    b: tuple[int, ...] = ()


@record(eq=False)
class Identity:
    value: int


def test_fields_defaults_and_factories() -> None:
    first, second = Plain("x"), Plain("x")
    assert [f.name for f in fields(Plain)] == ["name", "size", "tags", "note", "cache"]
    assert (first.size, first.tags, first.note, first.cache, first.kind) == (0, [], "", {}, "plain")
    assert first.tags is not second.tags and first.cache is not second.cache
    assert is_record(Plain) and is_record(Plain("z")) and not is_record(object())
    assert Plain("y", size=3, tags=["t"]).tags == ["t"]


def test_equality_hash_and_repr_follow_the_field_options() -> None:
    assert Plain("x", note="a") == Plain("x", note="b") and Plain("x") != Plain("y")
    assert hash(Slotted(1, (2,))) == hash(Slotted(1, (2,))) and Slotted(1) != Slotted(2)
    assert Plain("x") != Slotted(1) and Plain("x").__eq__(Slotted(1)) is NotImplemented
    assert repr(Plain("x", 2)) == "Plain(name='x', size=2, tags=[])"
    assert Identity(1) != Identity(1) and len({Identity(1), Identity(1)}) == 2


def test_frozen_and_replace() -> None:
    item = Slotted(1)
    with pytest.raises(FrozenInstanceError):
        item.a = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):  # what callers of a frozen dataclass catch
        item.b = ()  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del item.a  # type: ignore[misc]
    assert replace(item, b=(3,)) == Slotted(1, (3,))
    assert not hasattr(item, "__dict__")


def test_pickle_round_trip_keeps_init_false_fields() -> None:
    plain = Plain("x", 1, ["t"], "n")
    plain.cache["k"] = 1  # a mutable init=False field, as ReportContext's caches
    copy = pickle.loads(pickle.dumps(plain))
    assert (copy, copy.note, copy.cache) == (plain, "n", {"k": 1})
    assert pickle.loads(pickle.dumps(Slotted(4, (5,)))) == Slotted(4, (5,))


@record(frozen=False)
class Mutable:
    items: list[int] = field(default_factory=list)
    count: int = 0


def test_mutable_records_assign_compare_and_are_unhashable() -> None:
    item = Mutable()
    item.count += 1
    item.items.append(2)
    assert item == Mutable([2], 1) and item != Mutable()
    with pytest.raises(TypeError):
        hash(item)


def test_init_takes_positional_and_keyword_arguments_by_field_name() -> None:
    @record(slots=True)
    class Late:
        a: int
        b: int = 2

    @record(slots=False)
    class Loose:
        a: int
        b: int = 2

    @record(guard=False)
    class Unguarded:
        a: int
        b: int = 2

    for kind in (Late, Loose, Unguarded):
        assert kind(1) == kind(a=1, b=2) and kind(3, 4).b == 4 and kind(b=5, a=6).a == 6
        with pytest.raises(TypeError, match=r"__init__\(\) missing 1 required positional argument: 'a'"):
            kind()  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="unexpected keyword argument 'c'"):
            kind(1, c=3)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            kind(1, 2, 3)  # type: ignore[call-arg]
    assert Late.__init__.__qualname__.endswith("Late.__init__")
    assert not hasattr(Late(1), "__dict__") and vars(Loose(1)) == {"a": 1, "b": 2}


@record(guard=False)
class Node:
    name: str
    size: int = 0
    tags: tuple[str, ...] = ()


def test_an_unguarded_record_is_a_hashable_value_built_by_plain_assignment() -> None:
    node = Node("x", 3)
    assert (node.name, node.size, node.tags) == ("x", 3, ())
    assert node == Node("x", 3) and hash(node) == hash(Node("x", 3)) and node != Node("x", 4)
    assert not hasattr(node, "__dict__") and pickle.loads(pickle.dumps(node)) == node
    assert "STORE_ATTR" in {i.opname for i in dis.get_instructions(Node.__init__)}  # no setter calls
    assert Node.__init__.__code__.co_names[:2] == ("name", "size")


def test_a_guard_less_subclass_of_a_guarded_record_still_initialises() -> None:
    @record(guard=False)
    class Child(Slotted):
        c: int = 0

    child = Child(1, (2,), 3)
    assert (child.a, child.b, child.c) == (1, (2,), 3)
    with pytest.raises(FrozenInstanceError):  # the guard it inherits still holds
        child.c = 4  # type: ignore[misc]


def test_a_field_without_default_after_one_with_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default follows"):

        @record
        class Bad:
            a: int = 1
            b: int
