"""Reading the rule catalogue: one TOML file per rule (``CULxxx.toml`` next to this module), parsed
and validated into ``RuleDoc`` records."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping

from ..findings import Severity
from ..records import record

FOLDER = os.path.dirname(__file__)
"""Where the shipped catalogue files are (read directly: ``importlib.resources`` costs more to import
than a small run takes)."""
CONFIDENCES = ("high", "medium", "low")

_ID = re.compile(r"CUL\d{3}")
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_TEXT_FIELDS = ("summary", "why", "fix", "suppress")
_REQUIRED = ("id", "name", "severity", "confidence", "tags", *_TEXT_FIELDS, "bad", "fixed")
_OPTIONAL = ("security_severity",)


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file and the problem."""


@record
class Example:
    """Cairo source for one side of an example: ``code`` (single-version rules) or ``old``/``new``."""

    code: str | None = None
    old: str | None = None
    new: str | None = None

    @property
    def is_diff(self) -> bool:
        return self.code is None


@record
class RuleDoc:
    """Everything the catalogue says about one rule."""

    id: str
    name: str
    severity: Severity
    confidence: str
    tags: tuple[str, ...]
    summary: str
    why: str
    fix: str
    suppress: str
    bad: Example
    fixed: Example
    security_severity: str | None = None


def load_catalogue() -> Catalogue:
    """Every rule of the shipped catalogue by id, in id order."""
    return Catalogue()


class Catalogue(Mapping[str, RuleDoc]):
    """The shipped catalogue. Looking up one rule parses only its file (a run reports a few rules,
    and parsing all 47 files took longer than analysing a small contract); iterating reads and
    validates them all."""

    def __getitem__(self, rule_id: str) -> RuleDoc:
        return _load_one(rule_id)

    def __iter__(self) -> Iterator[str]:
        return iter([doc.id for doc in _load_all()])

    def __len__(self) -> int:
        return len(_load_all())


def _read(filename: str) -> RuleDoc:
    with open(os.path.join(FOLDER, filename), encoding="utf-8") as handle:
        return parse_rule(handle.read(), filename)


@functools.cache
def _load_one(rule_id: str) -> RuleDoc:
    if not _ID.fullmatch(rule_id) or not os.path.isfile(os.path.join(FOLDER, f"{rule_id}.toml")):
        raise KeyError(rule_id)
    return _read(f"{rule_id}.toml")


@functools.cache
def _load_all() -> tuple[RuleDoc, ...]:
    docs = [_read(name) for name in os.listdir(FOLDER) if name.endswith(".toml")]
    docs.sort(key=lambda d: d.id)
    owners: dict[str, str] = {}
    for doc in docs:
        if doc.name in owners:
            raise CatalogueError(f"{owners[doc.name]} and {doc.id} share the name {doc.name!r}")
        owners[doc.name] = doc.id
    return tuple(docs)


def parse_rule(text: str, filename: str) -> RuleDoc:
    """Parse and validate one catalogue file; ``filename`` (``CULxxx.toml``) must match the id."""
    import tomllib  # only when a rule is looked up: a run without findings needs no catalogue

    fail = functools.partial(_error, filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"invalid TOML: {exc}") from None
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise fail(f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise fail(f"unknown field(s): {', '.join(unknown)}")
    for key in ("id", "name", "severity", "confidence", *_TEXT_FIELDS):
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(f"{key!r} must be a non-empty string")
    if not _ID.fullmatch(data["id"]) or filename != f"{data['id']}.toml":
        raise fail(f"id {data['id']!r} must look like CUL123 and match the file name")
    if not _NAME.fullmatch(data["name"]):
        raise fail(f"name {data['name']!r} must be kebab-case")
    if data["severity"] not in {s.value for s in Severity}:
        raise fail(f"severity must be one of error, warning, note, not {data['severity']!r}")
    if data["confidence"] not in CONFIDENCES:
        raise fail(f"confidence must be one of {', '.join(CONFIDENCES)}, not {data['confidence']!r}")
    if "\n" in data["summary"].strip():
        raise fail("summary must be one line")
    tags = data["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise fail("tags must be a list of non-empty strings")
    security_severity = data.get("security_severity")
    if security_severity is not None and not _is_score(security_severity):
        raise fail('security_severity must be a number string between 0.0 and 10.0, e.g. "8.0"')
    if "security" in tags and security_severity is None:
        raise fail("rules tagged 'security' need a security_severity")
    bad, fixed = (_example(data[k], k, fail) for k in ("bad", "fixed"))
    if bad.is_diff != fixed.is_diff:
        raise fail("[bad] and [fixed] must both use 'code' or both use 'old' and 'new'")
    return RuleDoc(
        id=data["id"],
        name=data["name"],
        severity=Severity(data["severity"]),
        confidence=data["confidence"],
        tags=tuple(tags),
        summary=data["summary"].strip(),
        why=data["why"].strip(),
        fix=data["fix"].strip(),
        suppress=data["suppress"].strip(),
        bad=bad,
        fixed=fixed,
        security_severity=security_severity,
    )


def _error(filename: str, problem: str) -> CatalogueError:
    return CatalogueError(f"rule catalogue file {filename}: {problem}")


def _is_score(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return 0.0 <= float(value) <= 10.0
    except ValueError:
        return False


def _example(table: object, key: str, fail: Callable[[str], CatalogueError]) -> Example:
    if not isinstance(table, dict) or set(table) not in ({"code"}, {"old", "new"}):
        raise fail(f"[{key}] must hold either 'code' or both 'old' and 'new'")
    if not all(isinstance(v, str) and v.strip() for v in table.values()):
        raise fail(f"[{key}] sources must be non-empty strings")
    return Example(**table)
