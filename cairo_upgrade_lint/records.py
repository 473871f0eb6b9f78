"""``record``: a frozen dataclass that is cheap to declare.

``@dataclass(frozen=True)`` costs about a millisecond per class at import (it compiles six methods
with ``exec`` and computes a signature for the docstring); with the model's ~75 records and the 76
syntax nodes that was most of a single-contract run. ``record`` keeps the dataclass machinery for
the fields (``fields``, ``replace``, ``is_dataclass``, ``ClassVar`` and ``field(...)`` options all
behave as usual) but compiles only ``__init__`` and shares one function for each of ``__eq__``,
``__hash__``, ``__repr__``, the frozen ``__setattr__`` and pickling. Instances compare, hash and
print as a frozen dataclass's do, and assignment raises ``FrozenInstanceError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

C = TypeVar("C", bound=type)


def record(cls: C | None = None, /, *, eq: bool = True, slots: bool = False) -> Any:
    """Make ``cls`` a frozen dataclass (``eq=False`` keeps identity equality and hashing)."""

    def wrap(cls: C) -> C:
        if cls.__doc__ is None:
            cls.__doc__ = cls.__name__  # dataclass would compute a signature for it
        cls = dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
        _install(cls, eq, slots)
        return cls

    return wrap if cls is None else wrap(cls)


def _install(cls: Any, eq: bool, slots: bool) -> None:
    every = fields(cls)
    compile_init(cls, every, slots)
    value_methods(
        cls,
        tuple(f.name for f in every),
        shown=tuple(f.name for f in every if f.repr),
        compared=tuple(f.name for f in every if f.compare) if eq else None,
        hashed=tuple(f.name for f in every if (f.compare if f.hash is None else f.hash)),
        by_init=all(f.init for f in every),
    )


class InitField(NamedTuple):
    """What ``compile_init`` reads of a field (a ``dataclasses.Field`` has the same attributes)."""

    name: str
    default: Any = MISSING
    default_factory: Any = MISSING
    init: bool = True


def compile_init(cls: Any, specs: Iterable[InitField | Field[Any]], slots: bool) -> None:
    """Give ``cls`` an ``__init__`` compiled for its fields: parameters for the ``init`` ones with
    their defaults, factories called per instance, stores through the slot descriptors (``slots``,
    faster) or ``object.__setattr__`` (frozen)."""
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": MISSING}

    def assign(name: str, value: str) -> str:
        return f"_set_{name}(self, {value})" if slots else f"_set(self, {name!r}, {value})"

    params, body = [], []
    for f in specs:
        if slots:
            namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            if f.init:
                params.append(f"{f.name}=_MISSING")
                body.append(assign(f.name, f"_factory_{f.name}() if {f.name} is _MISSING else {f.name}"))
            else:
                body.append(assign(f.name, f"_factory_{f.name}()"))
        elif f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            if f.init:
                params.append(f"{f.name}=_default_{f.name}")
            body.append(assign(f.name, f.name if f.init else f"_default_{f.name}"))
        elif f.init:
            params.append(f.name)
            body.append(assign(f.name, f.name))
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    exec(source, namespace)  # noqa: S102 - a fixed template over the class's own field names
    cls.__init__ = namespace["__init__"]


def value_methods(
    cls: Any,
    names: tuple[str, ...],
    *,
    shown: tuple[str, ...],
    compared: tuple[str, ...] | None,
    hashed: tuple[str, ...],
    by_init: bool,
) -> None:
    """Give ``cls`` (fields ``names``) a ``repr`` of ``shown``, equality on ``compared`` and hashing on
    ``hashed`` (None: identity, as ``eq=False``), frozen assignment, and pickling (``by_init``: every
    field is an ``__init__`` parameter, so an instance pickles as a constructor call, the fastest to
    load). Shared by records and syntax nodes."""
    cls._record_fields, cls._shown = names, shown
    cls.__repr__ = _repr
    cls.__setattr__, cls.__delattr__ = _frozen, _frozen
    if by_init:
        cls._values = _getter(names)
        cls.__reduce__ = _reduce_to_call
    else:
        cls.__reduce__ = _reduce
    if compared is not None:
        cls._compared, cls._hashed = _getter(compared), _getter(hashed)
        cls.__eq__, cls.__hash__ = _eq, _hash


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:
        name = names[0]
        return staticmethod(lambda self: (getattr(self, name),))  # type: ignore[return-value]
    return attrgetter(*names) if names else staticmethod(lambda self: ())  # type: ignore[return-value]


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return bool(self._compared(self) == self._compared(other))
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._hashed(self))


def _repr(self: Any) -> str:
    values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
    return f"{type(self).__qualname__}({values})"


def _frozen(self: Any, name: str, *value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _reduce_to_call(self: Any) -> tuple[type, tuple[Any, ...]]:
    return self.__class__, self._values(self)


def _reduce(self: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """Pickle as the class and the field values (no ``__init__`` call: init=False fields too)."""
    return _rebuild, (self.__class__, tuple(getattr(self, name) for name in self._record_fields))


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    instance = object.__new__(cls)
    for name, value in zip(cls._record_fields, values):  # type: ignore[attr-defined]
        object.__setattr__(instance, name, value)
    return instance
