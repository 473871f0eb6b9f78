"""Apply a plan's ``insert`` and ``replace`` steps to source texts, as a user would by hand: each
step's line refers to the file before any step was applied; inserts at one line keep plan order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .plan import Step


def apply_steps(steps: Iterable[Step], texts: Mapping[str, str]) -> dict[str, str]:
    """The texts with every edit step applied (files no step names are returned unchanged). A
    step whose file is not given or whose line or old text is not found raises ValueError."""
    edits: dict[str, list[Step]] = {}
    for step in steps:
        if step.action in ("insert", "replace") and step.file is not None and step.line is not None:
            if step.file not in texts:
                raise ValueError(f"{step.id}: no text for {step.file}")
            edits.setdefault(step.file, []).append(step)
    result = dict(texts)
    for path, chosen in edits.items():
        lines = texts[path].split("\n")
        inserts: dict[int, list[str]] = {}
        for step in chosen:
            assert step.line is not None
            if not 1 <= step.line <= len(lines) + 1:
                raise ValueError(f"{step.id}: line {step.line} outside {path}")
            if step.action == "replace":
                current = lines[step.line - 1]
                if step.old not in current:
                    raise ValueError(f"{step.id}: `{step.old}` not on line {step.line} of {path}")
                lines[step.line - 1] = current.replace(step.old, step.code, 1)
            else:
                inserts.setdefault(step.line, []).append(step.code)
        for line in sorted(inserts, reverse=True):
            lines[line - 1 : line - 1] = "\n".join(inserts[line]).split("\n")
        result[path] = "\n".join(lines)
    return result
