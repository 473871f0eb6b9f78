"""No input makes the parser raise: mutated Cairo, random bytes, random token soup."""

from __future__ import annotations

from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairo_upgrade_lint.syntax import parse, walk

SEEDS = sorted(p.read_bytes() for p in FIXTURES.rglob("*.cairo") if "invalid" not in p.parts)
TOKENS = [
    "fn", "mod", "impl", "of", "let", "if", "else", "match", "{", "}", "(", ")", "[", "]", "<", ">",
    ";", ",", ":", "::", "=>", "->", "=", "+", "-", "*", "@", "!", "#", "|", "||", "&&", "..", "?",
    "x", "self", "ref", "mut", "1_u8", "'s'", '"b"', "//c\n", "struct", "enum", "use", "pub", "_",
]  # fmt: skip


def check(source: bytes) -> None:
    tree = parse(source, "fuzz.cairo")
    for item in tree.items:
        for node in walk(item):
            span = getattr(node, "span", None)
            if span is not None:
                assert 0 <= span.start <= span.end <= len(source) + 3
    for diagnostic in tree.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "token"]))
        if action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 60))]
        else:
            data[at:at] = draw(st.sampled_from(TOKENS)).encode()
    return bytes(data)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_there_are_seed_files() -> None:
    assert len(SEEDS) >= 1


@FUZZ
@given(mutated())
def test_mutated_real_files_never_raise(source: bytes) -> None:
    check(source)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(source: bytes) -> None:
    check(source)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=300))
def test_token_soup_never_raises(tokens: list[str]) -> None:
    check(" ".join(tokens).encode())
