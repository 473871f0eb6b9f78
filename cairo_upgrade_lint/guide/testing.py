from __future__ import annotations

from ..diff.changes import ContractDiff
from .plan import Plan


def testing(diff: ContractDiff, plan: Plan, guard: str | None, subject: str) -> Plan:
    return plan
