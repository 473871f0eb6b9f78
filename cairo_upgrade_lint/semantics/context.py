"""The context every rule and audit evaluation receives: the version under check, the old one in a
diff, the run's configuration and catalogue, and a memo of project-wide facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from ..catalogue import RuleDoc
from ..config import Config
from ..model import Project
from ..records import field, record

T = TypeVar("T")


@record
class Context:
    """The version under check (``project``; the new one in a diff), the old one in a diff, and
    the run's configuration and catalogue; ``once`` keeps project-wide facts the analyses share."""

    project: Project
    config: Config
    catalogue: Mapping[str, RuleDoc]
    old: Project | None = None
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, evaluated on the first call with ``key`` only (project-wide facts)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])
