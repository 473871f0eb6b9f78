"""Typed Cairo syntax tree: frozen records, every node with its exact source span.

The tree keeps what upgrade analysis needs to see (items, attributes, types, signatures and full
function bodies) and drops pure punctuation. Unknown macro bodies are kept as token trees.
"""

from __future__ import annotations

from typing import TypeVar, dataclass_transform

from ..records import field, record
from .positions import Lines

C = TypeVar("C", bound=type)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def node(cls: C) -> C:
    """A syntax node: a frozen record with slots, its fields the annotated names in order
    (``records.field_names`` lists them). The parser creates one every few bytes, so assignment is
    not refused at run time (``guard=False``: construction is three times faster); nothing assigns
    to a node after the parser made it."""
    made: C = record(guard=False)(cls)
    return made


class Span:
    """Byte offsets [start, end) and, worked out from the file's ``Lines`` when asked for, the
    1-based line and column of the first and the last character. The last character starts
    ``tail`` bytes before ``end`` (0: the span is empty or ends at end of file, and ends there; a
    small int, shared, where an offset would take an int object per span). Equal spans have equal
    offsets in the same file (by path: the same file parsed twice gives equal spans)."""

    __slots__ = ("end", "lines", "start", "tail")

    def __init__(self, start: int, end: int, tail: int, lines: Lines) -> None:
        self.start = start
        self.end = end
        self.tail = tail
        self.lines = lines

    @property
    def line(self) -> int:
        return self.lines.position(self.start)[0]

    @property
    def column(self) -> int:
        return self.lines.position(self.start)[1]

    @property
    def end_line(self) -> int:
        return self.lines.position(self.end - self.tail)[0]

    @property
    def end_column(self) -> int:
        return self.lines.position(self.end - self.tail)[1]

    def positions(self) -> tuple[int, int, int, int]:
        """(line, column, end_line, end_column)."""
        return self.lines.positions(self.start, self.end - self.tail)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return (self.start, self.end, self.tail, self.lines.path) == (other.start, other.end, other.tail, other.lines.path)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.tail, self.lines.path))

    def __repr__(self) -> str:
        line, column, end_line, end_column = self.positions()
        return (
            f"Span(start={self.start!r}, end={self.end!r}, line={line!r}, column={column!r}, "
            f"end_line={end_line!r}, end_column={end_column!r})"
        )

    def __reduce__(self) -> tuple[type, tuple[int, int, int, Lines]]:
        return Span, (self.start, self.end, self.tail, self.lines)


@node
class Token:
    """A lexed token kept in the tree (macro bodies): its kind, source text and span."""

    kind: str
    text: str
    span: Span


@node
class Comment:
    """A ``//`` comment; ``doc`` is '///' or '//!' for doc comments, '' otherwise."""

    text: str
    doc: str
    span: Span


@node
class Diagnostic:
    """A syntax error: where, what was expected and what was found."""

    path: str
    message: str
    span: Span
    expected: str = ""
    found: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.span.line}:{self.span.column}: {self.message}"


# ---------------------------------------------------------------- paths and types


@node
class PathSegment:
    """``name`` or ``name<args>`` / ``name::<args>``."""

    name: str
    generic_args: tuple[GenericArg, ...] | None
    span: Span


@node
class Path:
    """``a::b<T>::c``; ``text`` is the path without generic arguments (``a::b::c``)."""

    segments: tuple[PathSegment, ...]
    span: Span

    @property
    def text(self) -> str:
        return "::".join(s.name for s in self.segments)

    @property
    def last(self) -> PathSegment:
        return self.segments[-1]


@node
class PathType:
    path: Path
    span: Span


@node
class SnapshotType:
    """``@T``."""

    inner: TypeExpr
    span: Span


@node
class TupleType:
    elements: tuple[TypeExpr, ...]
    span: Span


@node
class FixedArrayType:
    """``[T; N]``."""

    element: TypeExpr
    size: Expr
    span: Span


@node
class ImplType:
    """``impl Trait`` in type position (impl-trait return types)."""

    trait: Path
    span: Span


@node
class WildcardType:
    """``_``."""

    span: Span


TypeExpr = PathType | SnapshotType | TupleType | FixedArrayType | ImplType | WildcardType


@node
class GenericArg:
    """A generic argument: a type, or an expression (const generics); ``name`` when written ``name: arg``."""

    value: TypeExpr | Expr
    name: str | None
    span: Span


@node
class GenericParam:
    """One generic parameter.

    kind: 'type' (``T``), 'const' (``const N: u32``), 'impl' (``impl TD: Drop<T>``),
    'anon_impl' (``+Drop<T>``), 'negative_impl' (``-Drop<T>``).
    """

    kind: str
    name: str | None
    bound: TypeExpr | None
    span: Span


# ---------------------------------------------------------------- attributes


@node
class Arg:
    """A call, macro or attribute argument: ``value``, ``name: value``, ``:name``, ``ref value``."""

    value: Expr
    name: str | None
    modifiers: tuple[str, ...]
    span: Span


@node
class Attribute:
    """``#[name]`` or ``#[name(args)]``; ``name`` is the path text (``starknet::contract``)."""

    name: str
    args: tuple[Arg, ...] | None
    span: Span


# ---------------------------------------------------------------- patterns


@node
class IdentPattern:
    name: str
    modifiers: tuple[str, ...]
    span: Span


@node
class WildcardPattern:
    span: Span


@node
class LiteralPattern:
    literal: Expr  # a Literal, or a negated one (``-1``)
    span: Span


@node
class TuplePattern:
    elements: tuple[Pattern, ...]
    span: Span


@node
class FixedArrayPattern:
    elements: tuple[Pattern, ...]
    span: Span


@node
class StructPatternField:
    name: str
    pattern: Pattern | None
    modifiers: tuple[str, ...]
    span: Span


@node
class StructPattern:
    """``Foo { a, b: p, .. }``."""

    path: Path
    fields: tuple[StructPatternField, ...]
    rest: bool
    span: Span


@node
class EnumPattern:
    """``Option::Some(p)`` or a bare path ``Color::Red``."""

    path: Path
    inner: Pattern | None
    span: Span


@node
class OrPattern:
    alternatives: tuple[Pattern, ...]
    span: Span


Pattern = (
    IdentPattern | WildcardPattern | LiteralPattern | TuplePattern | FixedArrayPattern | StructPattern | EnumPattern | OrPattern
)


# ---------------------------------------------------------------- expressions


@node
class Literal:
    """kind: 'int' (value, suffix), 'short_string' (value = felt), 'string', 'bool'."""

    kind: str
    text: str
    value: int | str | bool
    suffix: str | None
    span: Span


@node
class PathExpr:
    path: Path
    span: Span


@node
class Unary:
    """op: '-', '!', '~', '@' (snapshot), '*' (desnap), '&'."""

    op: str
    operand: Expr
    span: Span


@node
class Binary:
    """Arithmetic, comparison, logical and assignment operators (``=``, ``+=`` ...)."""

    op: str
    left: Expr
    right: Expr
    span: Span


@node
class Range:
    """``a..b`` / ``a..=b``."""

    start: Expr | None
    end: Expr | None
    inclusive: bool
    span: Span


@node
class Call:
    function: Expr
    args: tuple[Arg, ...]
    span: Span


@node
class MethodCall:
    receiver: Expr
    name: str
    generic_args: tuple[GenericArg, ...] | None
    args: tuple[Arg, ...]
    span: Span


@node
class FieldAccess:
    receiver: Expr
    name: str
    span: Span


@node
class Index:
    target: Expr
    index: Expr
    span: Span


@node
class Try:
    """``expr?``."""

    inner: Expr
    span: Span


@node
class TupleExpr:
    elements: tuple[Expr, ...]
    span: Span


@node
class Paren:
    inner: Expr
    span: Span


@node
class FixedArrayExpr:
    """``[a, b]`` or ``[value; count]`` (``count`` set)."""

    elements: tuple[Expr, ...]
    count: Expr | None
    span: Span


@node
class StructField:
    name: str
    value: Expr | None
    span: Span


@node
class StructLiteral:
    """``Foo { a: 1, b, ..base }``."""

    path: Path
    fields: tuple[StructField, ...]
    base: Expr | None
    span: Span


@node
class Block:
    statements: tuple[Statement, ...]
    span: Span


@node
class LetCondition:
    """``let pattern = expr`` inside ``if``/``while`` conditions."""

    pattern: Pattern
    value: Expr
    span: Span


@node
class If:
    """``if c {..} else ..``; an ``else if`` is an ``If`` in ``otherwise`` whose ``chained`` is set.

    A chain can have thousands of branches (generated lookup tables), so it is not walked as
    nesting: ``walk.children`` lists the branches of a whole chain under its first ``If`` and none
    under a chained one, keeping the walked tree shallow.
    """

    conditions: tuple[Expr | LetCondition, ...]
    then: Block
    otherwise: Block | If | None
    span: Span
    chained: bool = False


@node
class MatchArm:
    pattern: Pattern
    guard: Expr | None
    body: Expr
    span: Span


@node
class Match:
    subject: Expr
    arms: tuple[MatchArm, ...]
    span: Span


@node
class Loop:
    body: Block
    span: Span


@node
class While:
    conditions: tuple[Expr | LetCondition, ...]
    body: Block
    span: Span


@node
class For:
    pattern: Pattern
    iterable: Expr
    body: Block
    span: Span


@node
class ClosureParam:
    pattern: Pattern
    type: TypeExpr | None
    span: Span


@node
class Closure:
    params: tuple[ClosureParam, ...]
    return_type: TypeExpr | None
    body: Expr
    span: Span


@node
class MacroCall:
    """``name!(...)``: ``args`` when the body reads as comma-separated arguments, ``tokens`` always."""

    path: Path
    delimiter: str
    args: tuple[Arg, ...] | None
    tokens: tuple[Token, ...]
    span: Span


@node
class Return:
    value: Expr | None
    span: Span


@node
class Break:
    value: Expr | None
    span: Span


@node
class Continue:
    span: Span


Expr = (
    Literal
    | PathExpr
    | Unary
    | Binary
    | Range
    | Call
    | MethodCall
    | FieldAccess
    | Index
    | Try
    | TupleExpr
    | Paren
    | FixedArrayExpr
    | StructLiteral
    | Block
    | If
    | Match
    | Loop
    | While
    | For
    | Closure
    | MacroCall
    | Return
    | Break
    | Continue
)


# ---------------------------------------------------------------- statements


@node
class Let:
    attributes: tuple[Attribute, ...]
    pattern: Pattern
    type: TypeExpr | None
    value: Expr | None
    otherwise: Block | None
    span: Span


@node
class ExprStatement:
    """An expression statement; ``semicolon`` False for a block's tail expression or a block-like one."""

    attributes: tuple[Attribute, ...]
    expr: Expr
    semicolon: bool
    span: Span


@node
class ItemStatement:
    """An item (``const``, ``use``, ``fn`` ...) declared inside a block."""

    item: Item
    span: Span


Statement = Let | ExprStatement | ItemStatement


# ---------------------------------------------------------------- items


@node
class Param:
    """``ref self: ContractState`` -> name 'self', modifiers ('ref',)."""

    name: str
    modifiers: tuple[str, ...]
    type: TypeExpr
    span: Span


@node
class Function:
    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    params: tuple[Param, ...]
    return_type: TypeExpr | None
    body: Block | None
    is_extern: bool
    name_span: Span
    span: Span


@node
class Member:
    """A struct member."""

    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    type: TypeExpr
    span: Span


@node
class Struct:
    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    members: tuple[Member, ...]
    name_span: Span
    span: Span


@node
class Variant:
    attributes: tuple[Attribute, ...]
    name: str
    type: TypeExpr | None
    span: Span


@node
class Enum:
    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    variants: tuple[Variant, ...]
    name_span: Span
    span: Span


@node
class Const:
    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    type: TypeExpr | None
    value: Expr | None
    name_span: Span
    span: Span


@node
class TypeAlias:
    """``type X<T> = T;``, or an associated type declaration ``type X;`` (``target`` None)."""

    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    target: TypeExpr | None
    name_span: Span
    span: Span


@node
class ExternType:
    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    name_span: Span
    span: Span


@node
class Trait:
    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    items: tuple[Item, ...] | None
    name_span: Span
    span: Span


@node
class Impl:
    """``impl Name<G> of Trait<A> { items }``; ``items`` None for ``impl Name of Trait;``."""

    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    trait: Path
    items: tuple[Item, ...] | None
    name_span: Span
    span: Span


@node
class ImplAlias:
    """``impl X = path::Y<ContractState>;``."""

    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    generics: tuple[GenericParam, ...]
    target: Path
    name_span: Span
    span: Span


@node
class AssociatedImpl:
    """``impl Name: Trait<T>;`` inside a trait."""

    attributes: tuple[Attribute, ...]
    name: str
    trait: Path
    span: Span


@node
class UseEntry:
    """One leaf of a use tree: ``a::b::c as d`` -> path ('a','b','c'), alias 'd'; ``a::*`` -> star."""

    path: tuple[str, ...]
    alias: str | None
    star: bool
    span: Span


@node
class Use:
    attributes: tuple[Attribute, ...]
    visibility: str
    entries: tuple[UseEntry, ...]
    span: Span


@node
class Module:
    """``mod name { items }`` or ``mod name;`` (``items`` None)."""

    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    items: tuple[Item, ...] | None
    name_span: Span
    span: Span


@node
class MacroItem:
    """A macro call in item position, e.g. ``component!(path: p, storage: s, event: E);``."""

    attributes: tuple[Attribute, ...]
    call: MacroCall
    span: Span


@node
class MacroDeclaration:
    """``macro name { rules }`` (declarative inline macros); the rules are kept as tokens."""

    attributes: tuple[Attribute, ...]
    visibility: str
    name: str
    tokens: tuple[Token, ...]
    span: Span


Item = (
    Function
    | Struct
    | Enum
    | Const
    | TypeAlias
    | ExternType
    | Trait
    | Impl
    | ImplAlias
    | AssociatedImpl
    | Use
    | Module
    | MacroItem
    | MacroDeclaration
)


@node
class SourceFile:
    """A parsed file: its items, comments and syntax diagnostics."""

    path: str
    items: tuple[Item, ...]
    comments: tuple[Comment, ...]
    diagnostics: tuple[Diagnostic, ...]
    size: int


def attribute(node: object, name: str) -> Attribute | None:
    """The first attribute called ``name`` on an item or member, if any."""
    attributes: tuple[Attribute, ...] = getattr(node, "attributes", ())
    return next((attr for attr in attributes if attr.name == name), None)
