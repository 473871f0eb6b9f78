"""Every line the audit cites shows the construct its note names: for each requirement result on
contracts/, on every profile fixture (complete and broken) and on the old-design fixtures, the cited
source (its whole span) is checked by the kind of evidence the note states (an assertion, a field or
member set, a storage write, a guard, a loop, a declaration)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cairo_upgrade_lint.audit import PROFILES, run
from cairo_upgrade_lint.audit.base import Evidence
from cairo_upgrade_lint.config import Config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "audit"


def _span(evidence: Evidence) -> str:
    """The cited source, from the first to the last line of its span, whitespace collapsed."""
    where = evidence.location
    lines = Path(where.path).read_text().splitlines()[where.line - 1 : where.end_line]
    return " ".join(" ".join(lines).split())


def _writes(member: str, text: str) -> bool:
    return re.search(rf"\.{re.escape(member)}\s*\.\s*write\(", text) is not None


def _asserts(expression: str, text: str) -> bool:
    return (text.startswith(("assert", "if ")) or "assert" in text) and " ".join(expression.split()) in text


def _sets(field: str, text: str) -> bool:
    """A field assignment or struct literal field, or a storage write, and never an event's field."""
    assigned = re.search(rf"(\.|\b){re.escape(field)}\s*(=[^=]|:)", text) is not None
    return "emit(" not in text and (assigned or _writes(field, text))


def _non_zero_write(member: str, text: str) -> bool:
    """A write of ``member`` whose value is not zero (``write(key, 0)``, a struct of zeros, ``zero()``)."""
    if not _writes(member, text):
        return False
    arguments = text.split("write(", 1)[1].rsplit(")", 1)[0]
    value = arguments.split(",", 1)[-1].strip()
    zero = value in ("0", "false", "Zeroable::zero()", "Default::default()")
    return not zero and re.fullmatch(r"\w+ \{ (\w+: 0,? ?)+\}", value) is None


def _members(text: str) -> list[str]:
    return re.findall(r"`(\w+)`", text)


KINDS: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], bool]]] = [
    # "checks the storage version": the line compares a version member or a version value
    (
        re.compile(r"checks the storage version: asserts (.*)"),
        lambda m, t: _asserts(m[1], t) and re.search(r"version", t, re.I) is not None,
    ),
    (re.compile(r"asserts (.*?)( \(\d+\))?$"), lambda m, t: _asserts(m[1], t)),
    (re.compile(r"sets (\w+) = "), lambda m, t: _sets(m[1], t)),
    (re.compile(r"(records|keeps) .* in `(\w+)`"), lambda m, t: _non_zero_write(m[2], t)),
    # "keeps a restorable copy": the copy is a non-zero write of the backup member
    (re.compile(r"copies .* into `(\w+)`"), lambda m, t: _non_zero_write(m[1], t)),
    (re.compile(r"restores (.*) from `(\w+)`"), lambda m, t: any(_writes(x, t) for x in _members(m[1]))),
    (re.compile(r"writes `(\w+)`"), lambda m, t: _writes(m[1], t)),
    (re.compile(r"^pauses$"), lambda m, t: re.search(r"\.write\(\s*true\s*\)", t) is not None),
    (re.compile(r"loop ends at"), lambda m, t: t.startswith(("loop", "while", "for"))),
    (re.compile(r"library call into"), lambda m, t: "library_call" in t),
    (re.compile(r"own entry point"), lambda m, t: t.startswith("fn ")),
    (re.compile(r"compares with the threshold"), lambda m, t: "threshold" in t and re.search(r"[<>=]", t) is not None),
    (re.compile(r"caller is the proposer"), lambda m, t: "proposer" in t and "== 0" in t),
    # the unchecked operation: a storage write, a syscall, or the entry point itself
    (
        re.compile(r"no auth check on"),
        lambda m, t: ".write(" in t or "syscall" in t or "Dispatcher" in t or re.match(r"(#\[[^\]]*\] )*fn ", t) is not None,
    ),
    # an account's hooks: the selector compared in __validate__/__execute__; the class hash parameter
    (re.compile(r"refuses a call to `(\w+)`"), lambda m, t: m[1] in t and ("assert" in t or t.startswith("if "))),
    (re.compile(r"takes the class hash `(\w+)`"), lambda m, t: m[1] in t and "fn " in t),
    (re.compile(r"registers a facet|changes the implementation"), lambda m, t: ".write(" in t or "syscall" in t),
    # guards: "helper() -> assert(caller == ..)", "assert_only_self()", "assert(..)"
    (re.compile(r".* -> (assert)\(.*"), lambda m, t: "assert" in t or t.startswith("if ")),
    (re.compile(r"^(\w+)\(.*\)$"), lambda m, t: m[1] in t),
]
DECLARATION = re.compile(r"^`(\w+)`: (.*)|^event (\w+)$|^(\w+)$")
NO_CONSTRUCT = re.compile(r"(upgrade|migration|rollback) entry point|executes|runs only|library call from|: \w+$")


def check(evidence: Evidence) -> str | None:
    """None when the cited span shows what the note names, else the problem."""
    text = _span(evidence)
    declaration = DECLARATION.match(evidence.note)
    if declaration:
        name = declaration[1] or declaration[3] or declaration[4]
        return None if name in text else f"declaration of {name} not at the cited line"
    if evidence.note == "shadows an implementation selector":
        return None if text.startswith("fn ") else f"{evidence.note!r} cites {text!r}"
    if ": " not in evidence.note:
        return f"unclassified note {evidence.note!r}"
    rest = evidence.note.split(": ", 1)[1]
    for pattern, shows in KINDS:
        found = pattern.search(rest)
        if found:
            return None if shows(found, text) else f"{evidence.note!r} cites {text!r}"
    return None if NO_CONSTRUCT.search(evidence.note) else f"unclassified note {evidence.note!r}"


def broken_variants(tmp: Path) -> Iterator[tuple[Path, str]]:
    for profile in sorted(PROFILES):
        source = (FIXTURES / profile / "ok.cairo").read_text()
        for case in tomllib.loads((FIXTURES / profile / "broken.toml").read_text())["case"]:
            broken = source
            for old, new in case["replace"]:
                broken = broken.replace(old, new)
            folder = tmp / f"{profile}-{case['name']}"
            folder.mkdir()
            (folder / "contract.cairo").write_text(broken)
            yield folder, profile


def targets(tmp: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
    yield ROOT / "contracts", tuple(PROFILES)
    for profile in sorted(PROFILES):
        yield FIXTURES / profile / "ok.cairo", (profile,)
    for path in sorted((FIXTURES / "old-design").glob("*.cairo")):
        yield path, tuple(PROFILES)
    for folder, profile in broken_variants(tmp):
        yield folder, (profile,)


def test_every_cited_line_shows_what_its_note_names(tmp_path: Path) -> None:
    problems, cited = [], 0
    for path, profiles in targets(tmp_path):
        for result in run(str(path), Config(), profiles).results:
            for evidence in result.outcome.evidence:
                cited += 1
                problem = check(evidence)
                if problem:
                    problems.append(f"{result.requirement.id} {path.name}: {problem}")
    assert cited > 200
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("note", "source", "shows"),
    [
        ("sign: sets eta = proposal.eta", "self.emit(Event::Queued(Queued { id, eta: proposal.eta }));", False),
        ("sign: sets eta = now + delay", "proposal.eta = now + delay;", True),
        ("m: checks the storage version: asserts from_index > 0", "assert(from_index > 0, 'nothing');", False),
        ("m: copies `a` into `backup`", "self.backup.write(user, Backup { balance: 0, xp: 0 });", False),
        ("m: copies `a` into `backup`", "self.backup.write(user, balance);", True),
    ],
)
def test_the_check_tells_wrong_constructs_apart(note: str, source: str, shows: bool, tmp_path: Path) -> None:
    from cairo_upgrade_lint.findings import Location

    path = tmp_path / "x.cairo"
    path.write_text(source + "\n")
    assert (check(Evidence(Location(str(path), 1, 1, 1, len(source)), note)) is None) is shows
