"""Where generated code goes in a source text: matching braces, function bodies, statements.
Line numbers are 1-based; comments and (short) strings are skipped when braces are counted."""

from __future__ import annotations

import re


def _offset(text: str, line: int) -> int:
    """Offset of the start of ``line`` (the end of the text past the last line)."""
    position = 0
    for _ in range(line - 1):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _code_chars(text: str, start: int) -> list[tuple[int, str]]:
    """(offset, character) of the code from ``start`` on, without comments and string bodies."""
    out: list[tuple[int, str]] = []
    index = start
    while index < len(text):
        char = text[index]
        if text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        if char in "\"'":
            end = index + 1
            while end < len(text) and text[end] != char and text[end] != "\n":
                end += 2 if text[end] == "\\" else 1
            index = end + 1
            continue
        out.append((index, char))
        index += 1
    return out


def closing_line(text: str, line: int) -> int | None:
    """The line of the ``}`` that closes the first ``{`` at or after ``line``."""
    depth = 0
    for offset, char in _code_chars(text, _offset(text, line)):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return _line_of(text, offset)
    return None


def body_line(text: str, line: int) -> int | None:
    """The line after the one holding the first ``{`` at or after ``line`` (a function body's
    first line), or None."""
    for offset, char in _code_chars(text, _offset(text, line)):
        if char == "{":
            return _line_of(text, offset) + 1
        if char == ";":
            return None
    return None


def statement(text: str, line: int, column: int) -> str:
    """The statement that starts on ``line`` (from its first non-blank) up to its ``;`` at depth 0,
    joined to one line; empty when there is none within a few lines."""
    start = _offset(text, line)
    start += len(text[start:]) - len(text[start:].lstrip(" \t"))
    depth = 0
    for offset, char in _code_chars(text, start):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return ""
        elif char == ";" and depth == 0:
            return " ".join(text[start : offset + 1].split())
        if _line_of(text, offset) > line + 6:
            return ""
    return ""


def indent_of(text: str, line: int) -> str:
    start = _offset(text, line)
    current = text[start : text.find("\n", start) if "\n" in text[start:] else len(text)]
    return current[: len(current) - len(current.lstrip(" \t"))]


def lines_with(text: str, pattern: str, first: int, last: int) -> list[int]:
    """Lines in ``first..last`` that match the regular expression ``pattern``."""
    regex = re.compile(pattern)
    lines = text.split("\n")
    return [n for n in range(max(first, 1), min(last, len(lines)) + 1) if regex.search(lines[n - 1])]


def function_text(text: str, line: int) -> str:
    """The text of the function whose name is on ``line`` (signature and body)."""
    end = closing_line(text, line)
    if end is None:
        return ""
    return "\n".join(text.split("\n")[line - 1 : end])


def indent(code: str, prefix: str) -> str:
    """``code`` with ``prefix`` before every non-empty line."""
    return "\n".join(prefix + line if line.strip() else "" for line in code.split("\n"))
