"""Errors about the input itself, reported to the user as one line naming the path."""

from __future__ import annotations


class InputError(Exception):
    """The input cannot be analysed: a missing path, an unreadable or binary file, a bad manifest."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (InputError, (self.path, self.reason))
