"""No input makes the CLI fail with an internal error: ``check`` and ``diff`` on mutated fixture
pairs and on generated contracts always exit 0, 1 or 2, never 3, and never print a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_syntax_fuzz import mutated

from cairo_upgrade_lint.cli import main

PAIRS = sorted(
    (old.read_text(), (old.parent / "new.cairo").read_text())
    for old in FIXTURES.rglob("old.cairo")
    if (old.parent / "new.cairo").exists()
)
FORMATS = st.sampled_from(["text", "json", "sarif", "github"])
FUZZ = settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def invoke(args: list[str], sources: dict[str, bytes]) -> None:
    """Run the CLI on ``sources`` written to a fresh folder (``DIR`` in ``args``); only exit codes
    0, 1 and 2 are allowed."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in sources.items():
            (Path(folder) / name).write_bytes(data)
        paths = [str(Path(folder) / a) if a in sources else folder if a == "DIR" else a for a in args]
        result = CliRunner().invoke(main, [*paths, "--no-cache", "--no-color"])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


# ---------------------------------------------------------------- line-level edits, as upgrades make

TYPES = ["u8", "u128", "u256", "felt252", "ContractAddress", "ByteArray", "Map<felt252, u8>", "(u8, u16)", "bool"]
WORDS = ["balance", "owner", "self", "super", "Storage", "upgrade", "write", "read", "entry", '#[rename("x")]']


@st.composite
def edited(draw: st.DrawFn, source: str) -> str:
    """``source`` with lines deleted, duplicated, swapped, or words and types replaced."""
    lines = source.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "word", "type"]))
        if action == "delete":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            old = draw(st.sampled_from(TYPES if action == "type" else WORDS))
            lines[at] = lines[at].replace(old, draw(st.sampled_from(TYPES + WORDS)))
    return "".join(lines)


@st.composite
def upgrade_pairs(draw: st.DrawFn) -> tuple[bytes, bytes]:
    old, new = draw(st.sampled_from(PAIRS))
    return draw(edited(old)).encode(), draw(edited(new)).encode()


# ---------------------------------------------------------------- generated contracts

IDENT = st.sampled_from(["a", "b", "owner", "balances", "admin", "count", "paused", "version"])


@st.composite
def contract(draw: st.DrawFn) -> str:
    """A Starknet contract with random storage, entry points and upgrade code."""
    members = draw(st.lists(st.tuples(IDENT, st.sampled_from(TYPES)), max_size=6, unique_by=lambda m: m[0]))
    storage = "".join(f"        {name}: {ty},\n" for name, ty in members)
    bodies = [
        "self.{m}.write(x);",
        "assert(get_caller_address() == self.owner.read(), 'no');",
        "replace_class_syscall(x.try_into().unwrap()).unwrap();",
        "let v = self.{m}.read(); self.{m}.write(v);",
        "self.emit(Event::Upgraded(Upgraded {{ x }}));",
        "if x == 0 {{ return; }}",
    ]
    functions = []
    for index in range(draw(st.integers(0, 4))):
        member = draw(IDENT)
        body = " ".join(draw(st.sampled_from(bodies)).format(m=member) for _ in range(draw(st.integers(0, 3))))
        attribute = draw(st.sampled_from(["#[external(v0)]", "#[constructor]", "", "#[l1_handler]"]))
        functions.append(f"    {attribute}\n    fn f{index}(ref self: ContractState, x: felt252) {{ {body} }}\n")
    return (
        "#[starknet::contract]\nmod C {\n"
        "    use starknet::{get_caller_address, syscalls::replace_class_syscall};\n"
        f"    #[storage]\n    struct Storage {{\n{storage}    }}\n{''.join(functions)}}}\n"
    )


# ---------------------------------------------------------------- the properties


@FUZZ
@given(mutated(), FORMATS)
def test_check_on_mutated_files(source: bytes, fmt: str) -> None:
    invoke(["check", "a.cairo", "--format", fmt], {"a.cairo": source})


@FUZZ
@given(upgrade_pairs(), FORMATS)
def test_diff_on_edited_fixture_pairs(pair: tuple[bytes, bytes], fmt: str) -> None:
    invoke(["diff", "old.cairo", "new.cairo", "--format", fmt], {"old.cairo": pair[0], "new.cairo": pair[1]})


@FUZZ
@given(contract(), contract(), st.booleans())
def test_diff_and_check_on_generated_contracts(old: str, new: str, folder: bool) -> None:
    sources = {"old.cairo": old.encode(), "new.cairo": new.encode()}
    invoke(["diff", "old.cairo", "new.cairo", "--format", "json"], sources)
    invoke(["check", "DIR" if folder else "new.cairo"], sources)


def test_there_are_fixture_pairs() -> None:
    assert len(PAIRS) >= 20
