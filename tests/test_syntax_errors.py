"""Broken Cairo gives diagnostics at the right place, and parsing resumes at the next item."""

from __future__ import annotations

import pytest

from cairo_upgrade_lint.syntax import MAX_NESTING, parse, walk
from cairo_upgrade_lint.syntax import ast as A
from cairo_upgrade_lint.syntax.lexer import MAX_DIAGNOSTICS

CASES = [
    # source, line, column, words the message must contain
    ("fn f() {\n    let x = 1\n    let y = 2;\n}\n", 3, 5, "expected ';', found 'let'"),
    ("fn f() {\n    let x = ;\n}\n", 2, 13, "expected an expression, found ';'"),
    ("struct S {\n    a: u8\n    b: u8,\n}\n", 3, 5, "expected '}', found 'b'"),
    ("fn f( {}\n", 1, 7, "expected parameter name, found '{'"),
    ('fn f() {\n    let s = "open;\n}\n', 2, 13, "unterminated string"),
    ("fn f() {\n    let s = 'open;\n}\n", 2, 13, "unterminated short string"),
    ("fn f() {\n    let x = 1 € 2;\n}\n", 2, 15, "unexpected character '€'"),
    # a last comment ending in as many spaces as the bad bytes took once hid them
    ("fn f() {\n    let x = 1€2;\n}\n// note   \n", 2, 14, "unexpected character '€'"),
    ("impl X for Y {}\n", 1, 8, "expected 'of' or '=', found 'for'"),
    ("fn f() {\n    foo(\n", 3, 1, "found end of file"),
    ("mod m {\n    fn f() {}\n", 3, 1, "expected '}', found end of file"),
    ("}\nfn ok() {}\n", 1, 1, "expected an item, found '}'"),
    ("use a::{b, ;\n", 1, 12, "expected a path in 'use', found ';'"),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), CASES)
def test_error_position_and_message(source: str, line: int, column: int, message: str) -> None:
    diagnostics = parse(source, "bad.cairo").diagnostics
    assert diagnostics, "a broken file must produce a diagnostic"
    first = diagnostics[0]
    assert (first.span.line, first.span.column) == (line, column)
    assert message in first.message
    assert str(first).startswith(f"bad.cairo:{line}:{column}: ")


def test_one_bad_function_does_not_hide_the_rest() -> None:
    source = """
fn good_before() -> u8 { 1 }
fn broken(x: u8) -> u8 { let = x + ; }
#[external(v0)]
fn good_after(y: u8) -> u8 { y }
struct AlsoGood { a: u8 }
"""
    tree = parse(source, "r.cairo")
    assert len(tree.diagnostics) == 1
    assert [i.name for i in tree.items] == ["good_before", "good_after", "AlsoGood"]
    assert tree.items[1].attributes[0].name == "external"


def test_errors_inside_a_module_recover_inside_it() -> None:
    tree = parse("mod m {\n fn a() { ) }\n fn b() {}\n}\nfn c() {}\n")
    module = tree.items[0]
    assert [i.name for i in module.items] == ["b"] and tree.items[1].name == "c"
    assert len(tree.diagnostics) == 1


@pytest.mark.parametrize(
    "nested",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "{" * 10_000 + "}" * 10_000,
        "-" * 10_000 + "1",
        "[" * 10_000 + "]" * 10_000,
        "if a { " * 3_000 + "}" * 3_000,
    ],
)
def test_deep_nesting_is_a_diagnostic_not_a_crash(nested: str) -> None:
    tree = parse(f"fn f() {{ let x = {nested}; }}\nfn after() {{}}\n", "deep.cairo")
    assert any(f"nesting deeper than {MAX_NESTING}" in d.message for d in tree.diagnostics)
    assert tree.items[-1].name == "after"


@pytest.mark.parametrize(
    ("head", "link", "tail"),
    [("", "a + ", "1"), ("", "a && ", "b"), ("x", ".f()", ""), ("x", "[0]", ""), ("x", "?", ""), ("x", ".y", "")],
)
def test_long_chains_nest_the_tree_and_count_as_nesting(head: str, link: str, tail: str) -> None:
    """A left-deep chain is as deep as a nested one for every later tree walker."""
    assert parse(f"fn f() {{ let x = {head}{link * (MAX_NESTING // 2)}{tail}; }}").diagnostics == ()
    tree = parse(f"fn f() {{ let x = {head}{link * 50_000}{tail}; }}\nfn after() {{}}\n")
    assert [d.message for d in tree.diagnostics] == [f"nesting deeper than {MAX_NESTING} levels"]
    assert tree.items[-1].name == "after"


@pytest.mark.parametrize(
    "nested",
    [
        "mod m { " * 10_000 + "}" * 10_000,
        "fn f() { " + "if a { " * 10_000 + "1" + " }" * 10_000 + " }",
        "fn f() { if a { 1 } else if b { " + "if c { " * 300 + "1" + " }" * 300 + " } else { 2 } }",
        "use " + "a::{" * 10_000 + "b" + "}" * 10_000 + ";",
    ],
)
def test_deep_items_ifs_and_use_trees_are_a_diagnostic(nested: str) -> None:
    tree = parse(f"{nested}\nfn after() {{}}\n")
    assert any(f"nesting deeper than {MAX_NESTING}" in d.message for d in tree.diagnostics)
    assert tree.items[-1].name == "after"


def test_long_use_paths_are_not_nesting() -> None:
    (use,) = parse("use " + "a::" * 50_000 + "b;").items
    assert len(use.entries[0].path) == 50_001


def test_nested_macros_share_their_tokens() -> None:
    tree = parse("fn f() { let x = " + "array![" * 5_000 + "]" * 5_000 + "; }")
    tokens = [n for n in walk(tree.items[0]) if isinstance(n, A.MacroCall)]
    assert tokens[0].tokens[3] is tokens[1].tokens[0]


def test_a_garbage_file_has_a_bounded_number_of_diagnostics() -> None:
    tree = parse("é ` # ) \n" * 20_000)
    assert len(tree.diagnostics) == MAX_DIAGNOSTICS + 1
    assert tree.diagnostics[-1].message.startswith("too many syntax errors: ")


def test_a_run_of_bad_characters_is_one_diagnostic() -> None:
    (diagnostic,) = parse("fn f() {}\n€€`` fn g() {}\n").diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 1)
    assert diagnostic.message == "unexpected characters '€€``'"
