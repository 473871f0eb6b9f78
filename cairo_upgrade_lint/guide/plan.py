"""A plan is data: ordered steps (what, why, where, the Cairo code, how to verify it) and, for
``--testing``, a checklist and a generated test file. Every output format renders these records."""

from __future__ import annotations

from typing import Any

from ..records import field, fields, record

ACTIONS = ("insert", "replace", "run", "review")
"""The values of ``Step.action``. ``insert``: put ``code`` before line ``line`` of ``file``; ``replace``: on line ``line``, replace
the first ``old`` by ``code``; ``run``: a deployment or call to make (no file edit); ``review``: a
decision the tool cannot take (``code`` may hold a sketch)."""


@record
class Step:
    """One step. ``after`` names the steps it depends on (they come earlier in the plan)."""

    id: str
    title: str
    why: str
    action: str
    verify: str
    file: str | None = None
    line: int | None = None
    code: str = ""
    old: str = ""
    after: tuple[str, ...] = ()


@record
class CheckItem:
    """One item of a test strategy and the generated test that covers it (``test``; empty when there
    is none, ``what`` then says why)."""

    id: str
    category: str  # 'data continuity', 'entry point', 'governance', 'timelock', 'pause', 'migration', 'rollback'
    what: str
    test: str


@record
class Plan:
    """The plan for one contract: ``mode`` is 'implementation' or 'testing'; ``subject`` says what
    it is for (``examples/v1.cairo -> examples/v2.cairo``, or an audit profile)."""

    mode: str
    contract: str
    subject: str
    edition: str
    steps: tuple[Step, ...] = ()
    checklist: tuple[CheckItem, ...] = ()
    test_file: str = ""
    test_path: str = ""
    notes: tuple[str, ...] = field(default=())


def as_data(plan: Plan) -> dict[str, Any]:
    """A plan as JSON-ready data (the steps and checklist items as objects)."""
    data: dict[str, Any] = {}
    for spec in fields(plan):
        value = getattr(plan, spec.name)
        if spec.name in ("steps", "checklist"):
            value = [{s.name: _plain(getattr(item, s.name)) for s in fields(item)} for item in value]
        data[spec.name] = _plain(value)
    return data


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
