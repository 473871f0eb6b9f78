"""``record``: a value class (frozen by default) that is cheap to declare.

A single-contract run is mostly Python importing the tool, and ``@dataclass`` cost about a
millisecond per class (it generates and compiles six methods and inspects every annotation) over the
~160 records and syntax nodes. ``record`` reads the annotated fields itself (``ClassVar`` skipped,
``field(...)`` options honoured: default, default_factory, init, repr, compare, hash), shares one
function for each of ``__eq__``, ``__hash__``, ``__repr__``, the frozen ``__setattr__`` and pickling,
and makes a class's ``__init__`` on its first instantiation (see ``make_init``). ``field``,
``fields``, ``replace``, ``is_record``, ``MISSING`` and ``FrozenInstanceError`` stand in for their
``dataclasses`` namesakes, which are not imported (3.5 M instructions, 1% of a single-contract run).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from operator import attrgetter
from types import FunctionType
from typing import Any, NamedTuple, TypeVar, dataclass_transform, overload

C = TypeVar("C", bound=type)
R = TypeVar("R")


class _Missing:
    """The type of ``MISSING``."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""No default (or no default factory) was given."""


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class FieldSpec(NamedTuple):
    """One field of a record, with the options of ``dataclasses.field``."""

    name: str
    default: Any = MISSING
    default_factory: Any = MISSING
    init: bool = True
    repr: bool = True
    compare: bool = True
    hash: bool | None = None


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
    hash: bool | None = None,
) -> Any:
    """A field's options for a record's class body, named as ``dataclasses.field`` names them."""
    return FieldSpec("", default, default_factory, init, repr, compare, hash)


@overload
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: C, /) -> C: ...


@overload
def record(*, eq: bool = True, slots: bool = True, frozen: bool = True, guard: bool = True) -> Callable[[C], C]: ...


def record(cls: C | None = None, /, *, eq: bool = True, slots: bool = True, frozen: bool = True, guard: bool = True) -> Any:
    """Make ``cls`` a record: ``eq=False`` keeps identity equality and hashing, ``slots`` gives it
    ``__slots__`` (faster stores, less memory; ``slots=False`` leaves a ``__dict__``, for a
    ``cached_property``), ``frozen=False`` allows assignment (and, with ``eq``, makes it
    unhashable, as a dataclass). ``guard=False`` keeps a frozen record hashable but leaves out the
    ``__setattr__`` that refuses assignment: its ``__init__`` then stores with plain attribute
    assignments, three times faster than through the slot descriptors (for the syntax nodes, which
    the parser makes one every few bytes and nothing assigns to)."""

    def wrap(cls: C) -> C:
        specs = _specs(cls)
        names = tuple(s.name for s in specs)
        kept = {
            key: value
            for key, value in vars(cls).items()
            if key not in ("__dict__", "__weakref__") and not (key in names and (slots or isinstance(value, FieldSpec)))
        }

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            """Make the real ``__init__`` on the first call (see ``make_init``), then step aside."""
            init = make_init(made, specs, slots)
            setattr(made, "__init__", init)  # noqa: B010 (mypy rejects assigning __init__ on a class object)
            init(self, *args, **kwargs)

        namespace = {
            **kept,
            **_value_methods(specs, eq=eq, frozen=frozen, guard=guard),
            "_record_specs": specs,
            "__init__": __init__,
        }
        if slots:
            namespace["__slots__"] = names
        # The class is made again with all of this in its namespace: setting methods on a made class
        # costs more (each one updates the type's slots and caches).
        made: C = type(cls)(cls.__name__, cls.__bases__, namespace)
        return made

    return wrap if cls is None else wrap(cls)


def fields(record_or_class: Any) -> tuple[FieldSpec, ...]:
    """The fields of a record (or record class), in declaration order."""
    specs: tuple[FieldSpec, ...] = getattr(record_or_class, "_record_specs", ())
    return specs


def field_names(record_class: type) -> tuple[str, ...]:
    """The field names of a record class (``()`` for anything else)."""
    return getattr(record_class, "_record_fields", ())


def is_record(value: object) -> bool:
    """Whether ``value`` is a record class or a record."""
    return hasattr(value, "_record_specs")


def replace(value: R, **changes: Any) -> R:
    """A copy of the record ``value`` with ``changes`` (``init=False`` fields start afresh)."""
    given = {s.name: getattr(value, s.name) for s in fields(value) if s.init}
    return type(value)(**{**given, **changes})


def _specs(cls: type) -> tuple[FieldSpec, ...]:
    """The fields, inherited ones first; like a dataclass's, those without a default (or factory)
    come first among the ``__init__`` parameters."""
    own = vars(cls)
    specs = {s.name: s for base in reversed(cls.__mro__[1:]) for s in fields(base)}
    for name, annotation in own.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        value = own.get(name, MISSING)
        if isinstance(value, FieldSpec):
            specs[name] = value._replace(name=name)
        else:  # the common case, made without FieldSpec's Python-level __new__ (a third of a record's cost)
            specs[name] = tuple.__new__(FieldSpec, (name, value, MISSING, True, True, True, None))
    optional = [s.default is not MISSING or s.default_factory is not MISSING for s in specs.values() if s.init]
    if optional != sorted(optional):
        raise TypeError(f"{cls.__qualname__}: a field without a default follows one with a default")
    return tuple(specs.values())


def _is_class_var(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


def make_init(cls: Any, specs: tuple[FieldSpec, ...], slots: bool) -> Callable[..., None]:
    """An ``__init__`` for ``cls``'s fields: a parameter per ``init`` field (defaults trailing, as
    in a dataclass) stored by attribute assignment (``slots`` and no ``__setattr__`` of its own or
    inherited: fastest), through the slot descriptors (``slots``) or into the instance dictionary
    (both past a frozen ``__setattr__``); then factories run for the fields that were not given
    and ``init=False`` fields take their default or factory value.

    The parameters are stored by a copy of a per-arity template with the parameters renamed, made
    in about a microsecond: compiling an ``__init__`` per class took a tenth of a millisecond each,
    most of a small run's analysis."""
    params = [s for s in specs if s.init]
    names = tuple(s.name for s in params)
    mode = "assign" if slots and cls.__setattr__ is object.__setattr__ else "slots" if slots else "dict"
    stores = [getattr(cls, name).__set__ for name in names] if mode == "slots" else names if mode == "dict" else ()
    init = _template(len(names), mode)(*stores)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__code__ = init.__code__.replace(
        co_varnames=("self", *names, *init.__code__.co_varnames[len(names) + 1 :]),
        co_names=names if mode == "assign" else init.__code__.co_names,
        co_qualname=init.__qualname__,
    )
    optional = [s for s in params if s.default is not MISSING or s.default_factory is not MISSING]  # trailing
    init.__defaults__ = tuple(s.default if s.default_factory is MISSING else MISSING for s in optional) or None
    later = [s for s in specs if not s.init or s.default_factory is not MISSING]
    if not later:
        return init

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        for spec in later:
            if spec.init and getattr(self, spec.name) is not MISSING:
                continue
            if spec.default_factory is not MISSING:
                object.__setattr__(self, spec.name, spec.default_factory())
            elif spec.default is not MISSING:
                object.__setattr__(self, spec.name, spec.default)

    __init__.__qualname__ = init.__qualname__
    return __init__


@functools.cache
def _template(arity: int, mode: str) -> Callable[..., FunctionType]:
    """A maker of ``__init__(self, _0 .. _{arity-1})`` that stores argument i as attribute ``_a{i}``
    ("assign": the caller renames those to the fields), with the i-th of the given slot setters
    ("slots"), or under the i-th given name in the instance dictionary ("dict")."""
    params = ", ".join(["self", *(f"_{i}" for i in range(arity))])
    if mode == "assign":
        cells = []
        body = [f"self._a{i} = _{i}" for i in range(arity)]
    elif mode == "slots":
        cells = [f"_set{i}" for i in range(arity)]
        body = [f"_set{i}(self, _{i})" for i in range(arity)]
    else:
        cells = [f"_name{i}" for i in range(arity)]
        body = ["__values = self.__dict__", *(f"__values[_name{i}] = _{i}" for i in range(arity))]
    source = (
        f"def make({', '.join(cells)}):\n    def __init__({params}):\n"
        + "".join(f"        {line}\n" for line in body or ["pass"])
        + "    return __init__\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    make: Callable[..., FunctionType] = namespace["make"]
    return make


def _value_methods(specs: tuple[FieldSpec, ...], *, eq: bool, frozen: bool, guard: bool) -> dict[str, Any]:
    """The class attributes that make a record a value: ``repr`` of the ``repr`` fields, equality
    and hashing on the ``compare`` (and ``hash``) fields (``eq=False``: identity; a mutable record
    with equality has no hash), frozen assignment, and pickling (as a constructor call, the fastest
    to load, when every field is an ``__init__`` parameter)."""
    names = tuple(s.name for s in specs)
    plain = all(s[3:] == _PLAIN_OPTIONS for s in specs)  # most records: every field shown and compared
    every = _getter(names)
    methods: dict[str, Any] = {
        "_record_fields": names,
        "_shown": names if plain else tuple(s.name for s in specs if s.repr),
        "__repr__": _repr,
    }
    if frozen and guard:
        methods["__setattr__"] = methods["__delattr__"] = _frozen
    if plain or all(s.init for s in specs):
        methods["_values"], methods["__reduce__"] = every, _reduce_to_call
    else:
        methods["__reduce__"] = _reduce
    if eq:
        methods["_compared"] = every if plain else _getter(tuple(s.name for s in specs if s.compare))
        methods["_hashed"] = (
            every if plain else _getter(tuple(s.name for s in specs if (s.compare if s.hash is None else s.hash)))
        )
        methods["__eq__"], methods["__hash__"] = _eq, (_hash if frozen else None)
    return methods


_PLAIN_OPTIONS = (True, True, True, None)  # init, repr, compare, hash as a plain annotated field has them


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:
        name = names[0]
        return staticmethod(lambda self: (getattr(self, name),))
    return attrgetter(*names) if names else staticmethod(lambda self: ())


def _eq(self: Any, other: object) -> object:
    """Whether the compared fields are equal; ``NotImplemented`` for another class (Python then tries
    the reflected comparison, as for a dataclass)."""
    compared: Callable[[object], tuple[Any, ...]] = self._compared
    if other.__class__ is self.__class__:
        return compared(self) == compared(other)
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
    instance: object = object.__new__(cls)
    for name, value in zip(field_names(cls), values):
        object.__setattr__(instance, name, value)
    return instance
