"""Production code only: which files of an input are tests or mocks, and are not analysed.

By default a file is skipped when its path relative to the analysed input has

- a folder named ``tests``, ``test``, ``mocks``, ``mock``, ``test_common`` or ``test_utils``;
- a file name ``tests.cairo``, ``test.cairo``, ``mocks.cairo``, ``mock.cairo``, ``mock_*.cairo``,
  ``*_mock.cairo``, ``test_*.cairo``, ``*_test.cairo`` or ``*_tests.cairo``;

and a crate (a Scarb package, a ``cairo_project.toml`` crate) is skipped whole when its name is
``tests``, ``test``, ``mocks``, ``test_common``, ``test_utils`` or ``testing``, or ends with
``_`` and one of these (``openzeppelin_test_common``, ``openzeppelin_testing``). ``#[cfg(test)]``
modules and ``#[test]`` functions are never part of the model (``model.loading`` and
``model.scope`` drop them), and a Scarb package's ``tests/`` target is not reached from its
``src/lib.cairo``. A file given itself as an input is always analysed.

``include_tests`` turns the default off; ``exclude`` globs skip more files and ``include`` globs
keep files the other rules would skip (``include`` wins). A glob with a ``/`` is matched against
the path relative to the input (``*`` also matches ``/``); one without is matched against the file
name and each folder name.
"""

from __future__ import annotations

import os

from .records import record

TEST_FOLDERS = frozenset({"tests", "test", "mocks", "mock", "test_common", "test_utils"})
TEST_FILES = frozenset({"tests.cairo", "test.cairo", "mocks.cairo", "mock.cairo"})
TEST_CRATES = ("tests", "test", "mocks", "test_common", "test_utils", "testing")
TEST_PREFIXES = ("mock_", "test_")
TEST_SUFFIXES = ("_mock.cairo", "_test.cairo", "_tests.cairo")


@record
class Selection:
    """What is analysed besides production code, and what is not."""

    include_tests: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def skips(self, path: str, root: str) -> bool:
        """Whether the file ``path`` of the input at ``root`` is left out."""
        rel = _relative(path, root)
        if self.include and _matches(rel, self.include):
            return False
        if self.exclude and _matches(rel, self.exclude):
            return True
        return not self.include_tests and is_test_path(rel)

    def skips_crate(self, name: str, directory: str, root: str) -> bool:
        """Whether a whole crate (its ``src`` folder ``directory``) is left out by its name."""
        if self.include_tests or not is_test_crate(name):
            return False
        return not (self.include and _matches(_relative(directory, root), self.include))


def is_test_path(rel: str) -> bool:
    """The default rule on a ``/``-separated path relative to the input."""
    *folders, name = rel.split("/")
    if any(folder in TEST_FOLDERS for folder in folders) or name in TEST_FILES:
        return True
    return name.endswith(".cairo") and (name.startswith(TEST_PREFIXES) or name.endswith(TEST_SUFFIXES))


def is_test_crate(name: str) -> bool:
    return any(name == n or name.endswith("_" + n) for n in TEST_CRATES)


def _relative(path: str, root: str) -> str:
    base = os.path.dirname(root) if os.path.isfile(root) else root
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base or "."))
    return rel.replace(os.sep, "/")


def _matches(rel: str, globs: tuple[str, ...]) -> bool:
    from fnmatch import fnmatchcase  # only when globs are configured

    parts = rel.split("/")
    for glob in globs:
        glob = glob.strip().removeprefix("./")
        if "/" in glob.rstrip("/"):
            if fnmatchcase(rel, glob.rstrip("/")) or fnmatchcase(rel, glob.rstrip("/") + "/*"):
                return True
        elif any(fnmatchcase(part, glob.rstrip("/")) for part in parts):
            return True
    return False
