"""The parser reads every Cairo 2.x construct into the typed tree, with exact spans."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from cairo_upgrade_lint.syntax import ast as A
from cairo_upgrade_lint.syntax import parse, walk

CONSTRUCTS = FIXTURES / "syntax" / "valid" / "constructs.cairo"


@pytest.fixture(scope="module")
def tree() -> A.SourceFile:
    return parse(CONSTRUCTS.read_bytes(), str(CONSTRUCTS))


def find(root: object, cls: type, **attrs: object) -> list:
    return [n for n in walk(root) if isinstance(n, cls) and all(getattr(n, k) == v for k, v in attrs.items())]


def first_expr(source: str) -> A.Expr:
    tree = parse(f"fn f() {{ {source}; }}")
    assert tree.diagnostics == ()
    return tree.items[0].body.statements[0].expr


def text_of(source: bytes, span: A.Span) -> str:
    return source[span.start : span.end].decode()


def test_constructs_fixture_parses_without_diagnostics(tree: A.SourceFile) -> None:
    assert tree.diagnostics == ()
    names = [getattr(i, "name", None) for i in tree.items]
    assert names[-4:-1] == ["IExchange", "ledger_component", "Exchange"]
    assert isinstance(tree.items[-1], A.MacroItem)


def test_use_trees_flatten_to_entries(tree: A.SourceFile) -> None:
    entries = [(e.path, e.alias, e.star) for u in tree.items if isinstance(u, A.Use) for e in u.entries]
    assert (("starknet", "syscalls", "replace_class_syscall"), "replace", False) in entries
    assert (("super",), None, False) in entries
    assert (("super", "helpers"), None, True) in entries
    assert (("crate", "a", "b", "d"), "e", False) in entries
    assert [u.visibility for u in tree.items if isinstance(u, A.Use)][-1] == "pub"


def test_module_declarations_and_visibility(tree: A.SourceFile) -> None:
    inner = next(i for i in tree.items if isinstance(i, A.Module) and i.name == "inner")
    assert inner.items is None and inner.visibility == "pub(crate)"


def test_literals_carry_values_and_suffixes(tree: A.SourceFile) -> None:
    consts = {c.name: c.value for c in tree.items if isinstance(c, A.Const)}
    assert (consts["MAX"].value, consts["MAX"].suffix) == (0xFFFF, "u256")
    assert isinstance(consts["NEG"], A.Unary) and consts["NEG"].operand.suffix == "i8"
    assert (consts["SHORT"].value, consts["SHORT"].suffix) == (int.from_bytes(b"hello", "big"), "felt252")
    assert (consts["BIG"].value, consts["BIG"].suffix) == (1_000_000, None)
    assert consts["ESC"].value == int.from_bytes(b"A'", "big")


def test_generics_of_every_kind(tree: A.SourceFile) -> None:
    impl = next(i for i in tree.items if isinstance(i, A.Impl) and i.name == "PositionShape")
    assert [(g.kind, g.name) for g in impl.generics] == [
        ("type", "T"), ("impl", "TDrop"), ("negative_impl", None), ("const", "N"),
    ]  # fmt: skip
    assert impl.trait.text == "Shape" and impl.trait.last.generic_args[0].value.path.text == "Position"
    trait = next(i for i in tree.items if isinstance(i, A.Trait) and i.name == "Shape")
    kinds = [type(i).__name__ for i in trait.items]
    assert kinds == ["TypeAlias", "Const", "AssociatedImpl", "Function", "Function"]
    assert trait.items[3].body is None and trait.items[4].body is not None


def test_impl_alias_and_empty_impl(tree: A.SourceFile) -> None:
    alias = next(i for i in tree.items if isinstance(i, A.ImplAlias))
    assert alias.name == "ShapeAlias" and alias.target.text == "PositionShape"
    empty = next(i for i in tree.items if isinstance(i, A.Impl) and i.name == "EmptyImpl")
    assert empty.items is None


def test_extern_items(tree: A.SourceFile) -> None:
    externs = [i for i in tree.items if getattr(i, "is_extern", False) or isinstance(i, A.ExternType)]
    assert [i.name for i in externs] == ["Opaque", "opaque_new", "const_extern"]


def test_storage_struct_attributes(tree: A.SourceFile) -> None:
    contract = tree.items[-2]
    assert [a.name for a in contract.attributes] == ["starknet::contract", "with_components"]
    assert [a.value.path.text for a in contract.attributes[1].args] == ["Ownable", "Upgradeable"]
    storage = next(i for i in contract.items if isinstance(i, A.Struct) and i.name == "Storage")
    members = {m.name: m for m in storage.members}
    assert A.attribute(members["ledger"], "substorage").args[0].value.path.text == "v0"
    assert A.attribute(members["positions"], "rename").args[0].value.value == "old_positions"
    key = members["positions"].type.path.last.generic_args[0].value
    assert isinstance(key, A.TupleType) and len(key.elements) == 2
    assert A.attribute(members["node"], "flat") is not None


def test_component_macro_arguments_are_named(tree: A.SourceFile) -> None:
    macro = next(i for i in tree.items[-2].items if isinstance(i, A.MacroItem))
    assert macro.call.path.text == "component"
    assert [(a.name, a.value.path.text) for a in macro.call.args] == [
        ("path", "super::ledger_component"), ("storage", "ledger"), ("event", "LedgerEvent"),
    ]  # fmt: skip


def test_unknown_macro_bodies_are_token_trees(tree: A.SourceFile) -> None:
    helpers = tree.items[-1].call
    assert helpers.args is None and [t.text for t in helpers.tokens][:2] == ["impl", "Helpers"]
    declaration = next(n for n in walk(tree.items[-2]) if isinstance(n, A.MacroDeclaration))
    assert declaration.name == "add_one" and "$" in [t.text for t in declaration.tokens]


def test_function_bodies_hold_full_expressions(tree: A.SourceFile) -> None:
    trade = find(tree, A.Function, name="trade")[-1]
    assert [p.name for p in trade.params] == ["self", "side", "amount"]
    assert trade.params[0].modifiers == ("ref",)
    reads = [m for m in find(trade, A.MethodCall, name="read")]
    assert isinstance(reads[0].receiver, A.FieldAccess) and reads[0].receiver.name == "owner"
    assert find(trade, A.Try) and find(trade, A.Closure) and find(trade, A.For) and find(trade, A.While)
    lets = find(trade, A.Let)
    assert any(let.otherwise is not None for let in lets)
    assert any(isinstance(c, A.LetCondition) for i in find(trade, A.If) for c in i.conditions)
    assert find(trade, A.MacroCall, delimiter="[")[0].path.text == "array"
    assert find(trade, A.Range)[0].inclusive
    call = find(trade, A.MethodCall, name="helper")[0]
    assert [(a.name, a.modifiers) for a in call.args] == [(None, ("ref",)), ("amount", ()), ("kind", ())]
    assert call.generic_args[0].value.path.text == "u8"
    structs = find(trade, A.StructLiteral)
    assert any(s.base is not None for s in structs)
    assert find(trade, A.StructPattern)[0].rest


def test_precedence_follows_the_cairo_table() -> None:
    e = first_expr("1 + 2 * 3")
    assert e.op == "+" and e.right.op == "*"
    e = first_expr("-a * b")
    assert e.op == "*" and isinstance(e.left, A.Unary)
    e = first_expr("a == b && c || d")
    assert e.op == "||" and e.left.op == "&&" and e.left.left.op == "=="
    e = first_expr("x = y + 1")
    assert e.op == "=" and e.right.op == "+"
    e = first_expr("*self.balance.read()")
    assert isinstance(e, A.Unary) and e.op == "*" and isinstance(e.operand, A.MethodCall)
    e = first_expr("a - b - c")
    assert e.left.op == "-" and isinstance(e.right, A.PathExpr)
    e = first_expr("@x.y")
    assert e.op == "@" and isinstance(e.operand, A.FieldAccess)


def test_struct_literal_is_not_taken_for_a_block_in_conditions() -> None:
    tree = parse("fn f() { if a == b { c } else { d }; match x { A { f } => 1 } }")
    assert tree.diagnostics == ()
    cond = tree.items[0].body.statements[0].expr.conditions[0]
    assert isinstance(cond.right, A.PathExpr)


def test_spans_are_exact(tree: A.SourceFile) -> None:
    source = CONSTRUCTS.read_bytes()
    for node in walk(tree.items[-2]):
        if isinstance(node, A.Function):
            assert text_of(source, node.name_span) == node.name
            assert text_of(source, node.span).rstrip().endswith("}")
        if isinstance(node, A.Literal):
            assert text_of(source, node.span) == node.text
    trade = find(tree, A.Function, name="trade")[-1]
    line = source.decode().splitlines()[trade.name_span.line - 1]
    assert line[trade.name_span.column - 1 :].startswith("trade(")


def test_offsets_count_bytes_and_columns_count_code_points() -> None:
    source = '// é\nfn g() { let s = "é"; let t = 1; }\n'.encode()
    tree = parse(source)
    fn = tree.items[0]
    assert (fn.span.line, fn.span.column, fn.span.end_line, fn.span.end_column) == (2, 1, 2, 34)
    assert fn.span.start == len("// é\n".encode())
    string, second = fn.body.statements[0].value.span, fn.body.statements[1].span
    assert (string.column, string.end_column) == (18, 20) and string.end - string.start == 4
    assert (second.column, second.end_column) == (23, 32)
    assert (tree.comments[0].span.column, tree.comments[0].span.end_column) == (1, 4)


def test_comments_are_kept_with_doc_kinds(tree: A.SourceFile) -> None:
    docs = {c.doc for c in tree.comments}
    assert {"//!", "///", ""} <= docs
    assert tree.comments[0].text == "//! Crate-level doc comment."


def test_bom_and_crlf_are_accepted() -> None:
    tree = parse(b"\xef\xbb\xbffn a() {\r\n    let x = 1;\r\n}\r\n")
    assert tree.diagnostics == () and tree.items[0].span.line == 1


def test_trees_pickle_to_equal_trees_with_every_node_kind(tree: A.SourceFile) -> None:
    """Every node kind survives a pickle round trip, equal and with the same hash (records pickle as
    a call of their ``__init__``, the nodes' plain-assignment one included)."""
    import pickle

    odd = parse("fn f(x: _) { loop { continue; } let y = match x { _ => 1 }; }")
    broken = parse("fn f() { let _ = (; }")
    assert broken.diagnostics
    for original in (tree, odd, broken):
        copy = pickle.loads(pickle.dumps(original))
        assert copy == original and hash(copy) == hash(original)
    kinds = {type(n) for n in walk(odd)}
    assert {A.WildcardType, A.WildcardPattern, A.Continue} <= kinds  # the nodes with one field


@pytest.mark.parametrize(
    "source",
    [
        CONSTRUCTS.read_bytes(),
        '// é\r\nfn g() {\r\n    let s = "a\nb"; // note\r\n    let t = [(1, 2)];\r\n}\r\n'.encode(),
    ],
    ids=["constructs", "crlf-multiline-non-ascii"],
)
def test_large_files_give_the_same_tree(source: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over ``LARGE`` keeps its token offsets in machine-integer arrays; its tree is the one
    lists give."""
    from cairo_upgrade_lint.syntax import lexer

    small = parse(source, "x.cairo")
    monkeypatch.setattr(lexer, "LARGE", 0)
    assert type(lexer.lex(source, "x.cairo").starts) is not list
    assert parse(source, "x.cairo") == small and repr(parse(source, "x.cairo")) == repr(small)


def test_positions_in_an_ascii_file_with_a_multi_line_string() -> None:
    """Positions are worked out from the line starts when asked for (no per-token arrays)."""
    tree = parse(b'fn f() {\n    let s = "a\nbc";\n}\n')
    fn = tree.items[0]
    let = fn.body.statements[0]
    string = let.value.span
    assert (string.line, string.column, string.end_line, string.end_column) == (2, 13, 3, 3)
    assert (let.span.line, let.span.column, let.span.end_line, let.span.end_column) == (2, 5, 3, 4)
    assert (fn.span.line, fn.span.column, fn.span.end_line, fn.span.end_column) == (1, 1, 4, 1)


def test_equal_spans_are_in_the_same_file() -> None:
    """A span of a.cairo is not the same span of b.cairo (nor is a node holding it); the same file
    parsed twice gives equal spans and trees, also after pickling."""
    import pickle

    source = b"fn f() -> u8 {\n    1\n}\n"
    a, again, b = parse(source, "a.cairo"), parse(source, "a.cairo"), parse(source, "b.cairo")
    span_a, span_b = a.items[0].span, b.items[0].span
    assert (span_a.start, span_a.end, span_a.positions()) == (span_b.start, span_b.end, span_b.positions())
    assert span_a != span_b and a.items[0] != b.items[0] and a != b
    assert len({span_a, span_b}) == 2
    assert span_a == again.items[0].span and hash(span_a) == hash(again.items[0].span) and a == again
    assert pickle.loads(pickle.dumps(a)) == a
