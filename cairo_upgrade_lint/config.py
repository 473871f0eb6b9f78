"""User configuration: ``[tool.cairo-upgrade-lint]`` in pyproject.toml or ``.cairo-upgrade-lint.toml``.

Keys (all optional): ``select`` / ``ignore`` (rule ids or id prefixes such as ``CUL1``), ``fail-on``,
``severity`` (a table of rule id -> error|warning|note), ``timelock-min-seconds``,
``multisig-threshold-min``, ``multisig-signers-min``, ``guard-functions`` (extra names of functions
that count as an auth check), ``include-tests`` (analyse test and mock files too), ``exclude`` /
``include`` (globs of files to leave out / to analyse even when they look like tests; see
``selection``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .findings import Severity
from .records import field, record, replace
from .selection import Selection

if TYPE_CHECKING:
    from .model.dependencies import Options as DependencyOptions

FAIL_LEVELS = ("error", "warning", "note", "never")
CONFIG_FILE = ".cairo-upgrade-lint.toml"


@record
class Config:
    """Everything a run can be told; defaults are the documented policy."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    severity: dict[str, Severity] = field(default_factory=dict)
    timelock_min_seconds: int = 48 * 3600
    multisig_threshold_min: int = 3
    multisig_signers_min: int = 5
    guard_functions: tuple[str, ...] = ()
    include_tests: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source: str | None = None
    dependencies: tuple[tuple[str, str], ...] = ()  # NAME -> source folder, named by hand
    scarb: str | None = None  # the scarb executable to run (None: the one on PATH)

    @property
    def selection(self) -> Selection:
        """Which files of an input are analysed (production code by default)."""
        return Selection(self.include_tests, self.include, self.exclude)

    @property
    def dependency_options(self) -> DependencyOptions:
        """How Scarb dependencies are found (``model.dependencies``)."""
        from .model.dependencies import Options  # the model: only when an analysis runs

        return Options(self.dependencies, self.scarb)

    def enabled(self, rule_id: str) -> bool:
        """Whether a rule runs: selected (or no selection) and not ignored."""
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(i) for i in self.ignore)

    def fails(self, severity: Severity) -> bool:
        """Whether a finding of ``severity`` makes the run fail (exit 1)."""
        return self.fail_on != "never" and severity.rank >= Severity(self.fail_on).rank

    def with_options(self, **options: object) -> Config:
        """A copy with the command-line options that were given (None means not given)."""
        given = {k: v for k, v in options.items() if v not in (None, ())}
        return replace(self, **given)


_DEFAULT = Config()


def discover(start: str) -> str | None:
    """The nearest config file in ``start``'s folder or its parents, if any."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        dedicated = os.path.join(folder, CONFIG_FILE)
        if os.path.isfile(dedicated):
            return dedicated
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and _section(_read(pyproject), pyproject) is not None:
            return pyproject
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load(path: str | None) -> Config:
    """The configuration in ``path`` (None: defaults). Raises ``InputError`` when it is invalid."""
    if path is None:
        return Config()
    data = _read(path)
    section = _section(data, path) if path.endswith("pyproject.toml") else data
    return _parse(section or {}, path)


def _read(path: str) -> dict[str, Any]:
    import tomllib  # only when there is a config file

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise InputError(path, f"cannot read config: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML: {error}") from None


def _section(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    """``[tool.cairo-upgrade-lint]``, or None when there is none; ``InputError`` if it is not a table."""
    tool = data.get("tool")
    section = tool.get("cairo-upgrade-lint") if isinstance(tool, dict) else None
    if section is not None and not isinstance(section, dict):
        raise InputError(path, "tool.cairo-upgrade-lint must be a table")
    return section


def _parse(data: dict[str, Any], path: str) -> Config:
    known = {
        "select", "ignore", "fail-on", "severity", "timelock-min-seconds",
        "multisig-threshold-min", "multisig-signers-min", "guard-functions", "include-tests", "include",
        "exclude", "dependencies", "scarb",
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(path, f"unknown config key {unknown[0]!r}")
    fail_on = data.get("fail-on", "error")
    if fail_on not in FAIL_LEVELS:
        raise InputError(path, f"fail-on must be one of {', '.join(FAIL_LEVELS)}")
    try:
        severity = {str(k): Severity(v) for k, v in dict(data.get("severity", {})).items()}
        return Config(
            select=_ids(data.get("select", ())),
            ignore=_ids(data.get("ignore", ())),
            fail_on=fail_on,
            severity=severity,
            timelock_min_seconds=int(data.get("timelock-min-seconds", _DEFAULT.timelock_min_seconds)),
            multisig_threshold_min=int(data.get("multisig-threshold-min", _DEFAULT.multisig_threshold_min)),
            multisig_signers_min=int(data.get("multisig-signers-min", _DEFAULT.multisig_signers_min)),
            guard_functions=tuple(str(n) for n in data.get("guard-functions", ())),
            include_tests=_flag(data.get("include-tests", False)),
            include=_globs(data.get("include", ())),
            exclude=_globs(data.get("exclude", ())),
            source=path,
            dependencies=_folders(data.get("dependencies", {}), os.path.dirname(os.path.abspath(path))),
            scarb=str(data["scarb"]) if "scarb" in data else None,
        )
    except (TypeError, ValueError) as error:
        raise InputError(path, f"invalid config value: {error}") from None


def _folders(value: object, base: str) -> tuple[tuple[str, str], ...]:
    """``[dependencies]``: NAME = "folder" (relative to the config file)."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError('dependencies must be a table of NAME = "folder"')
    return tuple((str(k), os.path.join(base, v)) for k, v in value.items())


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"include-tests must be true or false, not {value!r}")
    return value


def _items(value: object) -> list[object]:
    """A string as a list of one, or the items of a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    raise TypeError(f"expected a string or a list, not {value!r}")


def _globs(value: object) -> tuple[str, ...]:
    items = _items(value)
    globs = [item.strip() for item in items if isinstance(item, str)]
    if len(globs) != len(items):
        raise ValueError("include and exclude must be lists of glob strings")
    return tuple(glob for glob in globs if glob)


def _ids(value: object) -> tuple[str, ...]:
    return tuple(str(item).strip().upper() for item in _items(value) if str(item).strip())


def parse_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    """Command-line rule lists: repeated options and comma-separated ids both work."""
    return _ids([part for value in values for part in value.split(",")])
