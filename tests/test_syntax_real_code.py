"""Parser defects seen on real code: rest patterns as ``scarb fmt`` writes them, long ``else if``
chains, Cairo 0 files, and recovery that keeps everything but the broken function."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from cairo_upgrade_lint.cli import lint_upgrade, main
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.syntax import MAX_NESTING, children, parse, walk
from cairo_upgrade_lint.syntax import ast as A
from cairo_upgrade_lint.syntax.cairo0 import is_cairo0

SYNTAX = FIXTURES / "syntax"
REST_PATTERNS = SYNTAX / "valid" / "rest_patterns.cairo"
CAIRO0 = SYNTAX / "cairo0" / "account.cairo"
MISSING_BRACE = SYNTAX / "recovery" / "missing_brace.cairo"


def invoke(command, args: list[object]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def lone_pattern(source: str) -> A.Pattern:
    tree = parse(f"fn f() {{ {source} }}")
    assert tree.diagnostics == ()
    (statement,) = tree.items[0].body.statements
    return statement.pattern if isinstance(statement, A.Let) else statement.expr.arms[0].pattern


# ---------------------------------------------------------------- rest patterns


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("let S { a, .. } = x;", ["a"]),
        ("let S { a, .., } = x;", ["a"]),
        ("let S {\n    a,\n    b: renamed,\n    ..,\n} = self.config.read();", ["a", "b"]),
        ("let S { .. } = x;", []),
        ("let S { .., } = x;", []),
        ("let S { ref a, mut b, .., } = x;", ["a", "b"]),
        ("match x { S { a: 0, .., } => 1, }", ["a"]),
        ("let Outer { inner: Inner { a, .., }, .. } = x;", ["inner"]),
    ],
)
def test_struct_rest_patterns_with_or_without_a_trailing_comma(source: str, names: list[str]) -> None:
    pattern = lone_pattern(source)
    assert isinstance(pattern, A.StructPattern) and pattern.rest
    assert [f.name for f in pattern.fields] == names


def test_fields_without_rest_have_no_rest() -> None:
    pattern = lone_pattern("let S { a, b, } = x;")
    assert isinstance(pattern, A.StructPattern) and not pattern.rest


@pytest.mark.parametrize("source", ["let (a, ..) = x;", "let [a, ..] = x;", "let S { a .. } = x;"])
def test_rest_is_only_a_struct_pattern_element(source: str) -> None:
    """Cairo's grammar has ``..`` in struct patterns only (``PatternStructParam``)."""
    assert parse(f"fn f() {{ {source} }}").diagnostics


def test_a_function_with_a_formatted_rest_pattern_keeps_its_entry_points() -> None:
    project = analyze(str(REST_PATTERNS))
    assert project.diagnostics == ()
    (vault,) = [c for c in project.contracts if c.name == "Vault"]
    assert {e.name for e in vault.entry_points} == {"limits", "first"}


# ---------------------------------------------------------------- else-if chains


def chain(branches: int) -> str:
    """A function whose body is an ``if``/``else if`` chain of ``branches`` branches."""
    arms = "".join(f" else if x == {i} {{ {i * 7} }}" for i in range(1, branches))
    return f"fn lookup(x: u32) -> u32 {{ if x == 0 {{ 0 }}{arms} else {{ 1 }} }}"


def test_an_else_if_chain_is_not_nesting() -> None:
    tree = parse(chain(252) + "\nfn after() {}\n")
    assert tree.diagnostics == ()
    assert [i.name for i in tree.items] == ["lookup", "after"]


def test_an_else_if_chain_keeps_its_tree_shape() -> None:
    source = "fn f() { if a { 1 } else if b { 2 } else if let Some(c) = d { 3 } else { 4 } }"
    tree = parse(source)
    head = tree.items[0].body.statements[0].expr
    second, third = head.otherwise, head.otherwise.otherwise
    assert isinstance(second, A.If) and isinstance(third, A.If) and isinstance(third.otherwise, A.Block)
    assert isinstance(third.conditions[0], A.LetCondition)
    assert (head.chained, second.chained, third.chained) == (False, True, True)
    end = source.rindex("}", 0, len(source) - 1) + 1
    assert [(n.span.start, n.span.end) for n in (head, second, third)] == [
        (source.index("if a"), end),
        (source.index("if b"), end),
        (source.index("if let"), end),
    ]


def test_walking_an_else_if_chain_visits_each_node_once_in_source_order() -> None:
    tree = parse(chain(5_000))
    head = tree.items[0].body.statements[0].expr
    assert sum(isinstance(c, A.If) for c in children(head)) == 4_999  # a chain is flat for walkers
    assert [type(c) for c in children(head.otherwise)] == [A.Binary, A.Block]  # a chained If: its own
    nodes = list(walk(tree))
    assert len({id(n) for n in nodes}) == len(nodes)
    assert sum(isinstance(n, A.If) for n in nodes) == 5_000
    literals = [n.span.start for n in nodes if isinstance(n, A.Literal)]
    assert len(literals) == 2 * 5_000 + 1 and literals == sorted(literals)


def test_real_nesting_inside_a_chain_still_counts() -> None:
    deep = "if c { " * (MAX_NESTING + 5) + "1" + " }" * (MAX_NESTING + 5)
    tree = parse(f"fn f() {{ if a {{ 1 }} else if b {{ {deep} }} else {{ 2 }} }}\nfn after() {{}}\n")
    assert [d.message for d in tree.diagnostics] == [f"nesting deeper than {MAX_NESTING} levels"]
    assert tree.items[-1].name == "after"


def generated_contract(branches: int) -> str:
    arms = "\n".join(f"            }} else if x == {i} {{\n                {i * 7}" for i in range(1, branches))
    return f"""#[starknet::interface]
pub trait ITable<T> {{
    fn lookup(self: @T, x: u32) -> u32;
}}

#[starknet::contract]
pub mod Table {{
    #[storage]
    struct Storage {{
        value: u32,
    }}

    #[abi(embed_v0)]
    impl TableImpl of super::ITable<ContractState> {{
        fn lookup(self: @ContractState, x: u32) -> u32 {{
            if x == 0 {{
                0
{arms}
            }} else {{
                self.value.read()
            }}
        }}
    }}
}}
"""


def test_check_on_a_5000_branch_else_if_chain_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "table.cairo"
    path.write_text(generated_contract(5_000))
    result = invoke(main, ["check", path])
    assert "CUL000" not in result.output and "internal error" not in result.output
    assert result.exit_code == 0, result.output
    (table,) = analyze(str(path)).contracts
    assert [e.name for e in table.entry_points] == ["lookup"]


def test_check_still_reports_real_nesting_beyond_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.cairo"
    deep = "if x == 0 { " * (MAX_NESTING + 5) + "1" + " }" * (MAX_NESTING + 5)
    path.write_text(f"fn f(x: u32) -> u32 {{ {deep} }}\n")
    result = invoke(main, ["check", path])
    assert f"nesting deeper than {MAX_NESTING} levels" in result.output and result.exit_code == 1


# ---------------------------------------------------------------- Cairo 0


def test_a_cairo0_file_is_one_diagnostic() -> None:
    tree = parse(CAIRO0.read_bytes(), "account.cairo")
    (diagnostic,) = tree.diagnostics
    assert "Cairo 0 source is not supported" in diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 1)
    assert tree.items == () and is_cairo0(tree)


@pytest.mark.parametrize(
    "source",
    [
        "@external\nfunc increase{syscall_ptr: felt*}(amount: felt) {\n    return ();\n}\n",
        "from starkware.cairo.common.math import assert_nn\n\nnamespace Lib {\n    func f() {\n    }\n}\n",
        "@storage_var\nfunc balance() -> (res: felt) {\n}\n",
        "// SPDX\n%builtins pedersen range_check\n",
    ],
)
def test_cairo0_markers(source: str) -> None:
    assert is_cairo0(parse(source))


@pytest.mark.parametrize(
    "source",
    [
        # broken Cairo 1 files that only mention Cairo 0 words where Cairo 1 allows them
        "// %lang starknet\n// @external func f() {}\nfn f() { let x = ; }\n",
        'fn f() -> ByteArray { let func = "%lang starknet"; func( }\n',
        "const X: u8 = a % lang;\nfn f() { let = 1; }\n",
        "fn g() { func f() {} }\nfn h( {}\n",
    ],
)
def test_broken_cairo1_is_not_taken_for_cairo0(source: str) -> None:
    tree = parse(source)
    assert tree.diagnostics and not is_cairo0(tree)


def test_check_a_folder_mixing_cairo0_and_cairo2(tmp_path: Path) -> None:
    shutil.copy(CAIRO0, tmp_path / "old_account.cairo")
    shutil.copy(REST_PATTERNS, tmp_path / "vault.cairo")
    result = invoke(main, ["check", tmp_path])
    assert result.output.count("CUL000") == 1 and "Cairo 0 source is not supported" in result.output
    assert "2 files analysed" in result.output and result.exit_code == 1


def test_lint_upgrade_with_a_cairo0_file_in_the_old_version(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    shutil.copy(CAIRO0, old / "account.cairo")
    shutil.copy(REST_PATTERNS, old / "vault.cairo")
    shutil.copy(REST_PATTERNS, new / "vault.cairo")
    result = invoke(lint_upgrade, [old, new])
    assert result.output.count("CUL000") == 1 and "Cairo 0 source is not supported" in result.output
    assert result.exit_code == 1


@pytest.mark.parametrize("copies", [1, 2])
def test_nothing_but_cairo0_is_an_input_error(tmp_path: Path, copies: int) -> None:
    for n in range(copies):
        shutil.copy(CAIRO0, tmp_path / f"account{n}.cairo")
    target = tmp_path / "account0.cairo" if copies == 1 else tmp_path
    result = CliRunner().invoke(main, ["check", str(target)])
    assert result.exit_code == 2
    assert "Cairo 0 source" in result.output and "is not supported" in result.output
    assert result.output.count("not supported") == 1


def test_lint_upgrade_from_a_cairo0_file_is_an_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(lint_upgrade, [str(CAIRO0), str(REST_PATTERNS)])
    assert result.exit_code == 2 and "Cairo 0 source is not supported" in result.output


# ---------------------------------------------------------------- recovery


def item_names(items: tuple[A.Item, ...], prefix: str = "") -> list[str]:
    out = []
    for item in items:
        name = prefix + getattr(item, "name", type(item).__name__)
        out.append(name)
        out += item_names(getattr(item, "items", None) or (), name + "::")
    return out


EXPECTED_ITEMS = [
    "ICounter",
    "ICounter::before",
    "ICounter::broken",
    "ICounter::after",
    "Counter",
    "Counter::Storage",
    "Counter::CounterImpl",
    "Counter::CounterImpl::before",
    "Counter::CounterImpl::after",
    "Counter::InternalImpl",
    "Counter::InternalImpl::helper",
]


def test_a_function_missing_a_brace_is_the_only_item_lost() -> None:
    tree = parse(MISSING_BRACE.read_bytes(), "c.cairo")
    (diagnostic,) = tree.diagnostics
    assert (diagnostic.span.line, diagnostic.message) == (22, "this '{' is never closed")
    assert item_names(tree.items) == EXPECTED_ITEMS


def test_the_contract_around_a_broken_function_is_still_modelled() -> None:
    project = analyze(str(MISSING_BRACE))
    (counter,) = project.contracts
    assert {e.name for e in counter.entry_points} == {"before", "after"}
    assert [m.name for m in counter.storage] == ["value"]


@pytest.mark.parametrize(
    "broken",
    [
        "let x = ;",
        "let x = foo(1, 2;",
        "let x = [1, 2;",
        "if x { y",
        "let x = 1 } }",
        "let s = S { a: 1 ;",
        "x.y( ) ) ;",
        "match x { 1 => 2, _ => { 3 }",
        "let x = |a| { a ;",
        "if amount > 10 {\n                self.value.write(amount);",
    ],
)
def test_recovery_keeps_the_rest_of_the_module(broken: str) -> None:
    source = MISSING_BRACE.read_text().replace(
        "if amount > 10 {\n                self.value.write(amount);", broken + "\n            self.value.write(1);\n"
    )
    tree = parse(source, "c.cairo")
    assert len(tree.diagnostics) == 1, [str(d) for d in tree.diagnostics]
    assert item_names(tree.items) == EXPECTED_ITEMS


def test_a_missing_impl_brace_keeps_the_module_and_its_storage() -> None:
    source = MISSING_BRACE.read_text().replace("            2\n        }\n    }\n}", "            2\n        }\n}")
    tree = parse(source, "c.cairo")
    names = item_names(tree.items)
    assert {"Counter", "Counter::Storage", "Counter::CounterImpl::after"} <= set(names)
