"""Recursive-descent parser for Cairo 2.x (editions 2023_01 .. 2024_07) with item-level recovery.

Expressions use precedence climbing with the Cairo compiler's operator table (a lower number binds
tighter). A syntax error raises ``_Error`` internally; the item loop records it as a diagnostic and
resumes at the next item, so one bad function does not hide the rest of the file. When braces do
not balance, the lexer pairs them by indentation and a block must end at its partner, so a missing
``}`` costs the function that lacks it, not the module around it. A Cairo 0 file gets one
diagnostic saying so (``cairo0``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from . import ast as A
from .cairo0 import cairo0_file
from .lexer import MAX_DIAGNOSTICS, Tokens, lex

T = TypeVar("T")

MAX_NESTING = 200

_BINARY = {
    "*": 2, "/": 2, "%": 2,
    "+": 3, "-": 3,
    "&": 4, "^": 5, "|": 6,
    "==": 7, "!=": 7, "<": 7, ">": 7, "<=": 7, ">=": 7,
    "&&": 8, "||": 9,
    "..": 10, "..=": 10,
    "=": 11, "+=": 11, "-=": 11, "*=": 11, "/=": 11, "%=": 11,
}  # fmt: skip
_ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "%="})
_UNARY = frozenset({"-", "!", "~", "@", "*", "&"})
_LOWEST = 12
_BLOCK_LIKE = (A.Block, A.If, A.Match, A.Loop, A.While, A.For)
_ITEM_START = frozenset({"fn", "struct", "enum", "trait", "impl", "mod", "use", "const", "type", "extern", "pub", "#"})
_OPERAND_ENDS = frozenset({",", ")", ";", "]", "}"})
_LITERAL_KINDS = frozenset({"INT", "SHORT", "STRING", "true", "false"})


class _Error(Exception):
    """A syntax error at token ``index``."""

    def __init__(self, index: int, message: str, expected: str = "", found: str = "") -> None:
        super().__init__(message)
        self.index = index
        self.message = message
        self.expected = expected
        self.found = found


def parse(source: bytes | str, path: str = "<input>") -> A.SourceFile:
    """Parse one Cairo file. Never raises for bad input: errors are in ``diagnostics``."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    toks = lex(data, path)
    parser = _Parser(toks, path)
    with _recursion_headroom():
        items = parser.items_until("EOF")
    diagnostics = sorted(toks.diagnostics + parser.diagnostics, key=lambda d: d.span.start)
    if diagnostics:
        cairo0 = cairo0_file(toks, path, len(data))
        if cairo0 is not None:  # one clear message, not dozens of Cairo 1 syntax errors
            return cairo0
    dropped = toks.dropped + parser.dropped
    return A.SourceFile(path, tuple(items), tuple(toks.comments), _capped(diagnostics, dropped), len(data))


def _capped(diagnostics: list[A.Diagnostic], dropped: int) -> tuple[A.Diagnostic, ...]:
    """The first MAX_DIAGNOSTICS diagnostics, then one that counts the rest (``dropped`` of them
    were never recorded: a garbage file must not cost a diagnostic per byte)."""
    rest = len(diagnostics) - MAX_DIAGNOSTICS + dropped
    if rest <= 0:
        return tuple(diagnostics)
    shown = diagnostics[:MAX_DIAGNOSTICS]
    at = diagnostics[MAX_DIAGNOSTICS] if len(diagnostics) > MAX_DIAGNOSTICS else shown[-1]
    return (*shown, A.Diagnostic(at.path, f"too many syntax errors: {rest} more in this file", at.span))


@contextmanager
def _recursion_headroom() -> Iterator[None]:
    """Nesting is capped at MAX_NESTING levels; make sure Python's own limit is above that."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20 * MAX_NESTING + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def literal_value(kind: str, text: str) -> tuple[int | str | bool, str | None]:
    """Value and type suffix of a literal token."""
    if kind == "true" or kind == "false":
        return kind == "true", None
    if kind == "STRING":
        return _unescape(text[1:-1]), None
    if kind == "SHORT":
        close = text.rindex("'")
        suffix = text[close + 2 :] if close + 1 < len(text) else None
        raw = _unescape(text[1:close]).encode("latin-1", "replace")
        return int.from_bytes(raw, "big"), suffix
    return _int_value(text)


def _int_value(text: str) -> tuple[int, str | None]:
    digits, suffix = text, None
    parts = text.split("_")
    radix = 16 if text[:2] == "0x" else 8 if text[:2] == "0o" else 2 if text[:2] == "0b" else 10
    if len(parts) > 1 and parts[-1][:1].isalpha() and not (radix == 16 and _is_hex(parts[-1])):
        suffix = parts[-1]
        digits = "_".join(parts[:-1])
    digits = digits.replace("_", "")
    try:
        return int(digits, 0) if radix != 10 else int(digits), suffix
    except ValueError:
        return 0, suffix


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    out, i = [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", "'": "'", '"': '"'}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "x" and i + 3 < len(body) + 1:
                try:
                    out.append(chr(int(body[i + 2 : i + 4], 16)))
                    i += 4
                    continue
                except ValueError:
                    pass
            out.append(simple.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


class _Parser:
    """Holds the cursor over one file's tokens. Methods are named after what they parse."""

    def __init__(self, toks: Tokens, path: str) -> None:
        self.toks = toks
        self.k = toks.kinds
        self.t = toks.texts
        self.file = path
        self.pos = 0
        self.depth = 0
        self.diagnostics: list[A.Diagnostic] = []
        self.dropped = 0
        self.last = len(self.k) - 1
        self.token_nodes: list[A.Token | None] = [None] * len(self.k)

    # ------------------------------------------------------------ cursor helpers

    def span(self, first: int, last: int | None = None) -> A.Span:
        """Span from token ``first`` to token ``last`` (default: the last consumed token)."""
        if last is None:
            last = self.pos - 1
        toks = self.toks
        return toks.span_from(toks.starts[first], last if last > first else first)

    def peek(self, n: int = 0) -> str:
        return self.k[min(self.pos + n, self.last)]

    def at(self, kind: str) -> bool:
        return self.k[self.pos] == kind

    def eat(self, kind: str) -> bool:
        if self.k[self.pos] == kind:
            self.pos += 1
            return True
        return False

    def expect(self, kind: str, what: str | None = None) -> int:
        if self.k[self.pos] != kind:
            raise self.error(what or f"'{kind}'")
        self.pos += 1
        return self.pos - 1

    def error(self, expected: str) -> _Error:
        found = "end of file" if self.k[self.pos] == "EOF" else f"'{self.t[self.pos]}'"
        return _Error(self.pos, f"expected {expected}, found {found}", expected, found)

    def ident(self, what: str = "identifier") -> str:
        if self.k[self.pos] != "IDENT":
            raise self.error(what)
        self.pos += 1
        return self.t[self.pos - 1]

    def at_ident(self, text: str) -> bool:
        return self.k[self.pos] == "IDENT" and self.t[self.pos] == text

    def enter(self) -> None:
        """Count one nesting level (callers decrement on success; error handlers reset the count)."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _Error(self.pos, f"nesting deeper than {MAX_NESTING} levels", "shallower nesting")

    def comma_list(self, close: str, element: Callable[[], T]) -> tuple[T, ...]:
        """Elements separated by commas (trailing comma allowed) up to and including ``close``."""
        out: list[T] = []
        while not self.at(close):
            out.append(element())
            if not self.eat(","):
                break
        self.expect(close)
        return tuple(out)

    # ------------------------------------------------------------ items

    def items_until(self, close: str) -> list[A.Item]:
        items: list[A.Item] = []
        while not self.at(close) and not self.at("EOF"):
            start, depth = self.pos, self.depth
            try:
                items.append(self.item())
            except _Error as err:
                self.depth = depth
                self.record(err)
                self.recover(start, close)
        return items

    def record(self, err: _Error) -> None:
        index = min(err.index, self.last)
        span = self.span(index, index)
        if self.diagnostics and self.diagnostics[-1].span.start == span.start:
            return
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            self.dropped += 1
            return
        self.diagnostics.append(A.Diagnostic(self.file, err.message, span, err.expected, err.found))

    def recover(self, start: int, close: str) -> None:
        """Skip the failed item: its attributes, visibility and keyword, then up to the next item
        start at the same depth (bracket groups are jumped over) or just past a ``;``."""
        k, partner = self.k, self.toks.partner
        i = start
        while k[i] == "#" and k[i + 1] == "[" and partner[i + 1] > i:
            i = partner[i + 1] + 1
        if k[i] == "pub":
            i += 1
            if k[i] == "(" and partner[i] > i:
                i = partner[i] + 1
        if k[i] != "EOF" and k[i] != close:
            i += 1
        while k[i] != "EOF":
            kind = k[i]
            if kind in _ITEM_START or kind == close or (kind == "IDENT" and k[i + 1] == "!"):
                break
            i = partner[i] + 1 if kind in ("(", "[", "{") and partner[i] > i else i + 1
            if kind == ";":
                break
        self.pos = i

    def attributes(self) -> tuple[A.Attribute, ...]:
        attrs = []
        while self.at("#"):
            first = self.pos
            self.pos += 1
            self.expect("[")
            name = self.path_text()
            args = None
            if self.eat("("):
                args = self.comma_list(")", self.argument)
            self.expect("]")
            attrs.append(A.Attribute(name, args, self.span(first)))
        return tuple(attrs)

    def path_text(self) -> str:
        parts = [self.ident("attribute name")]
        while self.eat("::"):
            parts.append(self.ident())
        return "::".join(parts)

    def visibility(self) -> str:
        if not self.eat("pub"):
            return ""
        if self.at("(") and self.peek(1) == "IDENT" and self.peek(2) == ")":
            scope = self.t[self.pos + 1]
            self.pos += 3
            return f"pub({scope})"
        return "pub"

    def item(self) -> A.Item:
        self.enter()
        node = self.bare_item()
        self.depth -= 1
        return node

    def bare_item(self) -> A.Item:
        first = self.pos
        attrs = self.attributes()
        vis = self.visibility()
        kind = self.peek()
        if kind == "fn":
            return self.function(first, attrs, vis, extern=False)
        if kind == "const" and self.peek(1) == "fn":
            self.pos += 1
            return self.function(first, attrs, vis, extern=False)
        if kind == "extern":
            self.pos += 1
            self.eat("const")
            if self.at("fn"):
                return self.function(first, attrs, vis, extern=True)
            self.expect("type", "'fn' or 'type' after 'extern'")
            name_at = self.pos
            name = self.ident()
            generics = self.generic_params()
            self.expect(";")
            return A.ExternType(attrs, vis, name, generics, self.span(name_at, name_at), self.span(first))
        if kind == "struct":
            return self.struct(first, attrs, vis)
        if kind == "enum":
            return self.enum(first, attrs, vis)
        if kind == "trait":
            return self.trait(first, attrs, vis)
        if kind == "impl":
            return self.impl(first, attrs, vis)
        if kind == "mod":
            return self.module(first, attrs, vis)
        if kind == "use":
            return self.use(first, attrs, vis)
        if kind == "const":
            return self.const(first, attrs, vis)
        if kind == "type":
            return self.type_alias(first, attrs, vis)
        if kind == "IDENT" and self.t[self.pos] == "macro" and self.peek(1) == "IDENT":
            return self.macro_declaration(first, attrs, vis)
        if kind == "IDENT" and not vis and self.peek(1) in ("!", "::"):
            call = self.macro_call_after_path(self.path(expression=True), first)
            self.eat(";")
            return A.MacroItem(attrs, call, self.span(first))
        raise self.error("an item")

    def function(self, first: int, attrs: tuple[A.Attribute, ...], vis: str, extern: bool) -> A.Function:
        self.expect("fn")
        name_at = self.pos
        name = self.ident("function name")
        generics = self.generic_params()
        self.expect("(")
        params = self.comma_list(")", self.param)
        ret = self.type() if self.eat("->") else None
        if self.eat("implicits"):
            self.expect("(")
            self.comma_list(")", self.type)
        self.eat("nopanic")
        body = None
        if self.at("{"):
            body = self.block()
        else:
            self.expect(";", "'{' or ';'")
        return A.Function(attrs, vis, name, generics, params, ret, body, extern, self.span(name_at, name_at), self.span(first))

    def param(self) -> A.Param:
        first = self.pos
        mods = []
        while self.at("ref") or self.at("mut"):
            mods.append(self.t[self.pos])
            self.pos += 1
        name = self.ident("parameter name")
        self.expect(":")
        return A.Param(name, tuple(mods), self.type(), self.span(first))

    def generic_params(self) -> tuple[A.GenericParam, ...]:
        if not self.eat("<"):
            return ()
        return self.comma_list(">", self.generic_param)

    def generic_param(self) -> A.GenericParam:
        first = self.pos
        if self.eat("+") or self.eat("-"):
            kind = "anon_impl" if self.k[first] == "+" else "negative_impl"
            bound = self.type()
            self.skip_associated_constraints()
            return A.GenericParam(kind, None, bound, self.span(first))
        if self.eat("impl"):
            name = self.ident()
            self.expect(":")
            bound = self.type()
            self.skip_associated_constraints()
            return A.GenericParam("impl", name, bound, self.span(first))
        if self.eat("const"):
            name = self.ident()
            self.expect(":")
            return A.GenericParam("const", name, self.type(), self.span(first))
        name = self.ident("generic parameter")
        return A.GenericParam("type", name, None, self.span(first))

    def skip_associated_constraints(self) -> None:
        """``+Iterator<T>[Item: u8]``: associated item constraints are skipped."""
        if self.at("["):
            partner = self.toks.partner[self.pos]
            if partner < 0:
                raise self.error("']'")
            self.pos = partner + 1

    def struct(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Struct:
        self.expect("struct")
        name_at = self.pos
        name = self.ident("struct name")
        generics = self.generic_params()
        members: tuple[A.Member, ...] = ()
        if not self.eat(";"):
            self.expect("{")
            members = self.comma_list("}", self.member)
        return A.Struct(attrs, vis, name, generics, members, self.span(name_at, name_at), self.span(first))

    def member(self) -> A.Member:
        first = self.pos
        attrs = self.attributes()
        vis = self.visibility()
        name = self.ident("member name")
        self.expect(":")
        return A.Member(attrs, vis, name, self.type(), self.span(first))

    def enum(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Enum:
        self.expect("enum")
        name_at = self.pos
        name = self.ident("enum name")
        generics = self.generic_params()
        self.expect("{")
        variants = self.comma_list("}", self.variant)
        return A.Enum(attrs, vis, name, generics, variants, self.span(name_at, name_at), self.span(first))

    def variant(self) -> A.Variant:
        first = self.pos
        attrs = self.attributes()
        name = self.ident("variant name")
        ty = self.type() if self.eat(":") else None
        return A.Variant(attrs, name, ty, self.span(first))

    def trait(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Trait:
        self.expect("trait")
        name_at = self.pos
        name = self.ident("trait name")
        generics = self.generic_params()
        items = None
        if not self.eat(";"):
            open_at = self.expect("{")
            items = tuple(self.items_until("}"))
            self.close_items(open_at)
        return A.Trait(attrs, vis, name, generics, items, self.span(name_at, name_at), self.span(first))

    def impl(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Item:
        self.expect("impl")
        name_at = self.pos
        name = self.ident("impl name")
        if self.eat(":"):
            trait = self.path()
            self.expect(";")
            return A.AssociatedImpl(attrs, name, trait, self.span(first))
        generics = self.generic_params()
        if self.eat("="):
            target = self.path()
            self.expect(";")
            return A.ImplAlias(attrs, vis, name, generics, target, self.span(name_at, name_at), self.span(first))
        self.expect("of", "'of' or '='")
        trait = self.path()
        items = None
        if not self.eat(";"):
            open_at = self.expect("{")
            items = tuple(self.items_until("}"))
            self.close_items(open_at)
        return A.Impl(attrs, vis, name, generics, trait, items, self.span(name_at, name_at), self.span(first))

    def module(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Module:
        self.expect("mod")
        name_at = self.pos
        name = self.ident("module name")
        items = None
        if not self.eat(";"):
            open_at = self.expect("{", "'{' or ';'")
            items = tuple(self.items_until("}"))
            self.close_items(open_at)
        return A.Module(attrs, vis, name, items, self.span(name_at, name_at), self.span(first))

    def use(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Use:
        self.expect("use")
        self.eat("::")
        entries = self.use_tree(())
        self.expect(";")
        return A.Use(attrs, vis, tuple(entries), self.span(first))

    def use_tree(self, prefix: tuple[str, ...]) -> list[A.UseEntry]:
        """The entries of ``a::b::{c, d::*}``; each entry's span starts at its last segment."""
        parts = list(prefix)
        while True:
            first = self.pos
            if self.at("{"):
                self.enter()
                entries = self.use_group(tuple(parts))
                self.depth -= 1
                return entries
            if self.eat("*"):
                return [A.UseEntry(tuple(parts), None, True, self.span(first))]
            name = self.ident("a path in 'use'")
            if not self.eat("::"):
                break
            parts.append(name)
        alias = self.ident("alias") if self.eat("as") else None
        path = tuple(parts) if name == "self" and parts else (*parts, name)
        return [A.UseEntry(path, alias, False, self.span(first))]

    def use_group(self, prefix: tuple[str, ...]) -> list[A.UseEntry]:
        self.expect("{")
        entries: list[A.UseEntry] = []
        while not self.at("}"):
            entries.extend(self.use_tree(prefix))
            if not self.eat(","):
                break
        self.expect("}")
        return entries

    def const(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.Const:
        self.expect("const")
        name_at = self.pos
        name = self.ident("constant name")
        ty = self.type() if self.eat(":") else None
        value = self.expr() if self.eat("=") else None
        self.expect(";")
        return A.Const(attrs, vis, name, ty, value, self.span(name_at, name_at), self.span(first))

    def type_alias(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.TypeAlias:
        self.expect("type")
        name_at = self.pos
        name = self.ident("type name")
        generics = self.generic_params()
        target = self.type() if self.eat("=") else None
        self.expect(";")
        return A.TypeAlias(attrs, vis, name, generics, target, self.span(name_at, name_at), self.span(first))

    def macro_declaration(self, first: int, attrs: tuple[A.Attribute, ...], vis: str) -> A.MacroDeclaration:
        self.pos += 1
        name = self.ident()
        tokens = self.token_tree("{")
        return A.MacroDeclaration(attrs, vis, name, tokens, self.span(first))

    def token_tree(self, open_kind: str) -> tuple[A.Token, ...]:
        """Consume a balanced group starting with ``open_kind``; return the tokens inside it.

        Token nodes are made once per file and shared: a macro inside a macro's body reuses the
        outer body's nodes (nested macros would otherwise cost n^2). The outer body is always made
        first, so a group's tokens are either all made already or none of them."""
        start = self.expect(open_kind)
        end = self.toks.partner[start]
        if end < 0:
            self.pos = start
            raise self.error(f"a closing delimiter for '{open_kind}'")
        self.pos = end + 1
        nodes = self.token_nodes
        if end > start + 1 and (nodes[start + 1] is None or nodes[end - 1] is None):
            for i in range(start + 1, end):
                if nodes[i] is None:
                    nodes[i] = A.Token(self.k[i], self.t[i], self.span(i, i))
        return tuple(nodes[start + 1 : end])  # type: ignore[arg-type]

    # ------------------------------------------------------------ paths and types

    def path(self, expression: bool = False) -> A.Path:
        """``a::b<T>::c``; in expressions generic args need ``::<``."""
        first = self.pos
        segments = [self.path_segment(expression)]
        while self.eat("::"):
            segments.append(self.path_segment(expression))
        span = segments[0].span if len(segments) == 1 else self.span(first)
        return A.Path(tuple(segments), span)

    def path_segment(self, expression: bool) -> A.PathSegment:
        first = self.pos
        name = self.ident("a path segment")
        args = None
        kind = self.k[self.pos]
        if kind == "::" and self.k[self.pos + 1] == "<":
            self.pos += 2
            args = self.comma_list(">", self.generic_arg)
        elif kind == "<" and not expression:
            self.pos += 1
            args = self.comma_list(">", self.generic_arg)
        return A.PathSegment(name, args, self.span(first))

    def generic_arg(self) -> A.GenericArg:
        first = self.pos
        name = None
        if self.at("IDENT") and self.peek(1) == ":" and self.peek(2) != ":":
            name = self.ident()
            self.pos += 1
        elif self.at("impl") and self.peek(1) == "IDENT" and self.peek(2) == ":":
            self.pos += 1
            name = self.ident()
            self.pos += 1
        kind = self.peek()
        value: A.TypeExpr | A.Expr
        value = self.unary() if kind in ("INT", "SHORT", "STRING", "-", "{", "true", "false") else self.type()
        return A.GenericArg(value, name, self.span(first))

    def type(self) -> A.TypeExpr:
        self.enter()
        node = self.bare_type()
        self.depth -= 1
        return node

    def bare_type(self) -> A.TypeExpr:
        first = self.pos
        kind = self.peek()
        if kind == "@":
            self.pos += 1
            return A.SnapshotType(self.type(), self.span(first))
        if kind == "(":
            self.pos += 1
            elements = self.comma_list(")", self.type)
            return A.TupleType(elements, self.span(first))
        if kind == "[":
            self.pos += 1
            element = self.type()
            self.expect(";")
            size = self.expr()
            self.expect("]")
            return A.FixedArrayType(element, size, self.span(first))
        if kind == "impl":
            self.pos += 1
            return A.ImplType(self.path(), self.span(first))
        if kind == "IDENT" and self.t[self.pos] == "_" and self.peek(1) != "::":
            self.pos += 1
            return A.WildcardType(self.span(first))
        if kind != "IDENT":
            raise self.error("a type")
        return A.PathType(self.path(), self.span(first))

    # ------------------------------------------------------------ blocks and statements

    def block(self) -> A.Block:
        self.enter()
        node = self.bare_block()
        self.depth -= 1
        return node

    def bare_block(self) -> A.Block:
        first = self.expect("{")
        statements: list[A.Statement] = []
        while not self.at("}"):
            if self.at("EOF"):
                raise self.error("'}'")
            if self.eat(";"):
                continue
            statements.append(self.statement())
        self.check_closes(first)
        self.pos += 1
        return A.Block(tuple(statements), self.span(first))

    def close_items(self, first: int) -> None:
        """Consume the ``}`` that ends the items of the trait, impl or module opened at ``first``."""
        if not self.at("}"):
            raise self.error("'}'")
        self.check_closes(first)
        self.pos += 1

    def check_closes(self, first: int) -> None:
        """The ``}`` at the cursor must be the partner of the ``{`` at ``first``. When brackets do
        not balance, the lexer pairs braces by indentation; a block must not then run on into the
        next function (the function with the missing ``}`` is the one reported and skipped)."""
        partner = self.toks.partner
        if partner[self.pos] == first:
            return
        if partner[first] < 0:
            raise _Error(first, "this '{' is never closed", "'}'", "no matching '}'")
        raise _Error(self.pos, "unmatched '}'", "a statement or '}'", "'}'")

    def statement(self) -> A.Statement:
        first = self.pos
        attrs = self.attributes()
        kind = self.peek()
        if kind == "let":
            self.pos += 1
            pattern = self.pattern()
            ty = self.type() if self.eat(":") else None
            value = self.expr() if self.eat("=") else None
            otherwise = self.block() if self.eat("else") else None
            self.expect(";")
            return A.Let(attrs, pattern, ty, value, otherwise, self.span(first))
        if kind in ("fn", "struct", "enum", "trait", "impl", "mod", "use", "type", "extern", "pub") or (
            kind == "const" and self.peek(1) in ("IDENT", "fn")
        ):
            self.pos = first
            item = self.item()
            return A.ItemStatement(item, self.span(first))
        expr = self.expr()
        if self.eat(";"):
            return A.ExprStatement(attrs, expr, True, self.span(first))
        if not self.at("}") and not isinstance(expr, _BLOCK_LIKE + (A.MacroCall,)):
            raise self.error("';'")
        return A.ExprStatement(attrs, expr, False, self.span(first))

    # ------------------------------------------------------------ expressions

    def expr(self, limit: int = _LOWEST, no_struct: bool = False) -> A.Expr:
        """An expression whose binary operators all have precedence < ``limit``."""
        pos = self.pos
        if self.k[pos + 1] in _OPERAND_ENDS:  # a lone name or literal (most arguments): no descent
            kind = self.k[pos]
            if kind == "IDENT":
                self.pos = pos + 1
                span = self.span(pos, pos)
                return A.PathExpr(A.Path((A.PathSegment(self.t[pos], None, span),), span), span)
            if kind in _LITERAL_KINDS:
                return self.atom(no_struct)
        self.enter()
        node = self.binary(limit, no_struct)
        self.depth -= 1
        return node

    def binary(self, limit: int, no_struct: bool) -> A.Expr:
        """Each operator of a chain nests the (left-deep) tree one level deeper, and counts so."""
        first = self.pos
        left = self.unary(no_struct)
        depth = self.depth
        while True:
            op = self.k[self.pos]
            prec = _BINARY.get(op)
            if prec is None or prec >= limit or (op == "&&" and self.peek(1) == "let"):
                self.depth = depth
                return left
            self.pos += 1
            self.enter()
            if op in ("..", "..="):
                end = None if self.range_ends() else self.expr(prec, no_struct)
                left = A.Range(left, end, op == "..=", self.span(first))
                continue
            right = self.expr(prec + 1 if op in _ASSIGN else prec, no_struct)
            left = A.Binary(op, left, right, self.span(first))

    def range_ends(self) -> bool:
        return self.peek() in (")", "]", "}", ",", ";", "{", "EOF")

    def unary(self, no_struct: bool = False) -> A.Expr:
        kind = self.k[self.pos]
        if kind in _UNARY:
            first = self.pos
            self.pos += 1
            self.enter()
            operand = self.unary(no_struct)
            self.depth -= 1
            return A.Unary(kind, operand, self.span(first))
        return self.postfix(self.atom(no_struct))

    def postfix(self, expr: A.Expr) -> A.Expr:
        """``.name``, ``.method()``, ``[i]`` and ``?``; each one nests the tree one level deeper."""
        first_span = expr.span
        depth = self.depth
        while True:
            kind = self.k[self.pos]
            if kind in (".", "[", "?"):
                self.enter()
            if kind == ".":
                self.pos += 1
                if self.at("INT"):
                    name = self.t[self.pos]
                    self.pos += 1
                else:
                    name = self.ident("a member or method name")
                generic_args = None
                if self.at("::") and self.peek(1) == "<":
                    self.pos += 2
                    generic_args = self.comma_list(">", self.generic_arg)
                if self.eat("("):
                    args = self.comma_list(")", self.argument)
                    expr = A.MethodCall(expr, name, generic_args, args, self.join(first_span))
                else:
                    expr = A.FieldAccess(expr, name, self.join(first_span))
            elif kind == "[":
                self.pos += 1
                index = self.expr()
                self.expect("]")
                expr = A.Index(expr, index, self.join(first_span))
            elif kind == "?":
                self.pos += 1
                expr = A.Try(expr, self.join(first_span))
            else:
                self.depth = depth
                return expr

    def join(self, first: A.Span) -> A.Span:
        """Span from an earlier node's start to the last consumed token."""
        return self.toks.span_from(first.start, self.pos - 1)

    def atom(self, no_struct: bool) -> A.Expr:
        first = self.pos
        kind = self.k[first]
        if kind in _LITERAL_KINDS:
            self.pos += 1
            value, suffix = literal_value(kind, self.t[first])
            lit_kind = {"INT": "int", "SHORT": "short_string", "STRING": "string"}.get(kind, "bool")
            return A.Literal(lit_kind, self.t[first], value, suffix, self.span(first))
        if kind == "IDENT":
            return self.path_expression(no_struct)
        if kind == "(":
            self.pos += 1
            if self.eat(")"):
                return A.TupleExpr((), self.span(first))
            inner = self.expr()
            if self.eat(")"):
                return A.Paren(inner, self.span(first))
            self.expect(",", "',' or ')'")
            rest = self.comma_list(")", self.expr)
            return A.TupleExpr((inner,) + rest, self.span(first))
        if kind == "[":
            self.pos += 1
            if self.eat("]"):
                return A.FixedArrayExpr((), None, self.span(first))
            head = self.expr()
            if self.eat(";"):
                count = self.expr()
                self.expect("]")
                return A.FixedArrayExpr((head,), count, self.span(first))
            rest = self.comma_list("]", self.expr) if self.eat(",") else self.closing("]")
            return A.FixedArrayExpr((head,) + rest, None, self.span(first))
        if kind == "{":
            return self.block()
        if kind == "if":
            return self.if_expr()
        if kind == "match":
            self.pos += 1
            subject = self.expr(no_struct=True)
            self.expect("{")
            arms = self.match_arms()
            return A.Match(subject, arms, self.span(first))
        if kind == "loop":
            self.pos += 1
            return A.Loop(self.block(), self.span(first))
        if kind == "while":
            self.pos += 1
            conditions = self.conditions()
            return A.While(conditions, self.block(), self.span(first))
        if kind == "for":
            self.pos += 1
            pattern = self.pattern()
            if not self.at_ident("in"):
                raise self.error("'in'")
            self.pos += 1
            iterable = self.expr(no_struct=True)
            return A.For(pattern, iterable, self.block(), self.span(first))
        if kind in ("return", "break"):
            self.pos += 1
            returned = None if self.value_ends() else self.expr(no_struct=no_struct)
            node = A.Return if kind == "return" else A.Break
            return node(returned, self.span(first))
        if kind == "continue":
            self.pos += 1
            return A.Continue(self.span(first))
        if kind in ("|", "||"):
            return self.closure()
        raise self.error("an expression")

    def closing(self, close: str) -> tuple[()]:
        self.expect(close)
        return ()

    def value_ends(self) -> bool:
        return self.peek() in (";", "}", ")", "]", ",", "EOF")

    def path_expression(self, no_struct: bool) -> A.Expr:
        first = self.pos
        path = self.path(expression=True)
        kind = self.k[self.pos]
        if kind == "!" and self.peek(1) in ("(", "[", "{"):
            return self.macro_call_after_path(path, first)
        if kind == "(":
            self.pos += 1
            args = self.comma_list(")", self.argument)
            return A.Call(A.PathExpr(path, path.span), args, self.span(first))
        if kind == "{" and not no_struct and self.looks_like_struct_literal():
            return self.struct_literal(path, first)
        return A.PathExpr(path, path.span)

    def looks_like_struct_literal(self) -> bool:
        """After ``Path {``: ``}``, ``..``, ``name:``, ``name,`` or ``name }`` start a struct literal."""
        nxt = self.peek(1)
        if nxt in ("}", ".."):
            return True
        return nxt == "IDENT" and self.peek(2) in (":", ",", "}") and self.peek(3) != ":"

    def struct_literal(self, path: A.Path, first: int) -> A.StructLiteral:
        self.expect("{")
        fields: list[A.StructField] = []
        base = None
        while not self.at("}"):
            if self.eat(".."):
                base = self.expr()
                self.eat(",")
                break
            field_first = self.pos
            name = self.ident("a field name")
            value = self.expr() if self.eat(":") else None
            fields.append(A.StructField(name, value, self.span(field_first)))
            if not self.eat(","):
                break
        self.expect("}")
        return A.StructLiteral(path, tuple(fields), base, self.span(first))

    def macro_call_after_path(self, path: A.Path, first: int) -> A.MacroCall:
        self.expect("!", "'!' (a macro call)")
        open_at = self.pos
        delimiter = self.k[open_at]
        if delimiter not in ("(", "[", "{"):
            raise self.error("'(', '[' or '{' after '!'")
        tokens = self.token_tree(delimiter)
        after = self.pos
        args = self.macro_arguments(open_at)
        self.pos = after
        return A.MacroCall(path, delimiter, args, tokens, self.span(first))

    def macro_arguments(self, open_at: int) -> tuple[A.Arg, ...] | None:
        """Read a macro body as comma-separated arguments when it is one; None otherwise."""
        close = self.toks.partner[open_at]
        self.pos = open_at + 1
        saved, dropped, depth = len(self.diagnostics), self.dropped, self.depth
        try:
            args = []
            while self.pos < close:
                args.append(self.argument())
                if self.pos < close and not self.eat(","):
                    return None
            return tuple(args) if self.pos == close else None
        except _Error:
            del self.diagnostics[saved:]
            self.dropped, self.depth = dropped, depth
            return None

    def argument(self) -> A.Arg:
        first = self.pos
        mods = []
        while self.at("ref") or self.at("mut"):
            mods.append(self.t[self.pos])
            self.pos += 1
        name = None
        if self.at(":") and self.peek(1) == "IDENT":
            self.pos += 1
            name_at = self.pos
            name = self.ident()
            path = A.Path((A.PathSegment(name, None, self.span(name_at, name_at)),), self.span(name_at, name_at))
            return A.Arg(A.PathExpr(path, path.span), name, tuple(mods), self.span(first))
        if self.at("IDENT") and self.peek(1) == ":" and self.peek(2) != ":":
            name = self.ident()
            self.pos += 1
        return A.Arg(self.expr(), name, tuple(mods), self.span(first))

    def if_expr(self) -> A.If:
        """``if c {..} else if d {..} else {..}``. An ``else if`` chain is a sequence, not nesting:
        its branches are read in a loop (a 250-branch lookup table must not count as 250 levels),
        then linked as before, each ``else if`` the ``otherwise`` of the previous ``If``, and each
        ``If`` spanning from its ``if`` to the end of the chain."""
        heads: list[tuple[int, tuple[A.Expr | A.LetCondition, ...], A.Block]] = []
        otherwise: A.Block | A.If | None = None
        while True:
            first = self.expect("if")
            conditions = self.conditions()
            heads.append((first, conditions, self.block()))
            if not self.eat("else"):
                break
            if not self.at("if"):
                otherwise = self.block()
                break
        end = self.pos - 1
        for index in range(len(heads) - 1, -1, -1):
            first, conditions, then = heads[index]
            otherwise = A.If(conditions, then, otherwise, self.span(first, end), index > 0)
        return otherwise  # type: ignore[return-value]

    def conditions(self) -> tuple[A.Expr | A.LetCondition, ...]:
        out: list[A.Expr | A.LetCondition] = []
        while True:
            first = self.pos
            if self.eat("let"):
                pattern = self.pattern()
                self.expect("=")
                value = self.expr(_BINARY["&&"], no_struct=True)
                out.append(A.LetCondition(pattern, value, self.span(first)))
            else:
                out.append(self.expr(no_struct=True))
            if not self.eat("&&"):
                return tuple(out)

    def match_arms(self) -> tuple[A.MatchArm, ...]:
        arms = []
        while not self.at("}"):
            first = self.pos
            self.attributes()
            pattern = self.pattern()
            guard = self.expr(no_struct=True) if self.eat("if") else None
            self.expect("=>")
            body = self.expr()
            arms.append(A.MatchArm(pattern, guard, body, self.span(first)))
            if not self.eat(",") and not isinstance(body, _BLOCK_LIKE):
                break
        self.expect("}")
        return tuple(arms)

    def closure(self) -> A.Closure:
        first = self.pos
        params: tuple[A.ClosureParam, ...] = ()
        if not self.eat("||"):
            self.expect("|")
            params = self.comma_list("|", self.closure_param)
        ret = self.type() if self.eat("->") else None
        body = self.block() if ret is not None else self.expr()
        return A.Closure(params, ret, body, self.span(first))

    def closure_param(self) -> A.ClosureParam:
        first = self.pos
        pattern = self.pattern(allow_or=False)
        ty = self.type() if self.eat(":") else None
        return A.ClosureParam(pattern, ty, self.span(first))

    # ------------------------------------------------------------ patterns

    def pattern(self, allow_or: bool = True) -> A.Pattern:
        self.enter()
        node = self.or_pattern(allow_or)
        self.depth -= 1
        return node

    def or_pattern(self, allow_or: bool) -> A.Pattern:
        first = self.pos
        head = self.single_pattern()
        if not allow_or or not self.at("|"):
            return head
        alternatives = [head]
        while self.eat("|"):
            alternatives.append(self.single_pattern())
        return A.OrPattern(tuple(alternatives), self.span(first))

    def single_pattern(self) -> A.Pattern:
        first = self.pos
        kind = self.k[first]
        if kind in _LITERAL_KINDS or (kind == "-" and self.peek(1) == "INT"):
            return A.LiteralPattern(self.unary(), self.span(first))
        if kind == "(":
            self.pos += 1
            elements = self.comma_list(")", self.pattern)
            return A.TuplePattern(elements, self.span(first))
        if kind == "[":
            self.pos += 1
            elements = self.comma_list("]", self.pattern)
            return A.FixedArrayPattern(elements, self.span(first))
        mods = []
        while self.at("ref") or self.at("mut"):
            mods.append(self.t[self.pos])
            self.pos += 1
        if mods:
            return A.IdentPattern(self.ident("a binding name"), tuple(mods), self.span(first))
        if kind != "IDENT":
            raise self.error("a pattern")
        if self.t[first] == "_" and self.peek(1) != "::":
            self.pos += 1
            return A.WildcardPattern(self.span(first))
        path = self.path(expression=True)
        if self.at("("):
            self.pos += 1
            inner = self.pattern()
            self.eat(",")
            self.expect(")")
            return A.EnumPattern(path, inner, self.span(first))
        if self.at("{"):
            return self.struct_pattern(path, first)
        if len(path.segments) == 1 and path.segments[0].generic_args is None:
            return A.IdentPattern(path.segments[0].name, (), self.span(first))
        return A.EnumPattern(path, None, self.span(first))

    def struct_pattern(self, path: A.Path, first: int) -> A.StructPattern:
        """``Foo { a, b: p, .. }``: as in the Cairo grammar, the rest ``..`` is one element of the
        comma-separated list (``scarb fmt`` writes ``..,`` on its own line in multi-line patterns)."""
        self.expect("{")
        fields: list[A.StructPatternField] = []
        rest = False
        while not self.at("}"):
            if self.eat(".."):
                rest = True
            else:
                fields.append(self.struct_pattern_field())
            if not self.eat(","):
                break
        self.expect("}")
        return A.StructPattern(path, tuple(fields), rest, self.span(first))

    def struct_pattern_field(self) -> A.StructPatternField:
        """``name``, ``ref name``, ``mut name`` or ``name: pattern``."""
        first = self.pos
        mods = []
        while self.at("ref") or self.at("mut"):
            mods.append(self.t[self.pos])
            self.pos += 1
        name = self.ident("a field name")
        inner = self.pattern() if self.eat(":") else None
        return A.StructPatternField(name, inner, tuple(mods), self.span(first))
