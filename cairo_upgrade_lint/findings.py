"""The one result type every rule yields and every report renders."""

from __future__ import annotations

from enum import Enum

from .records import field, record


class Severity(str, Enum):
    """How bad a finding is; ordered so that ``rank`` grows with badness."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@record
class Location:
    """A region of a source file: 1-based lines and columns, end inclusive of the last character."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@record
class Related:
    """A secondary location with what it shows (for example the old declaration)."""

    location: Location
    message: str


@record
class Finding:
    """One reported problem."""

    rule_id: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Related, ...] = ()
    fix: str | None = None
    confidence: str = "high"
    properties: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
