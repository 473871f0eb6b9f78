"""Plans as text (a terminal), Markdown (a PR comment, a design doc) and JSON (the steps as data)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .plan import Plan, Step, as_data

FORMATS = ("text", "markdown", "json")


def render(plans: Sequence[Plan], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"version": 1, "plans": [as_data(p) for p in plans]}, indent=2) + "\n"
    if not plans:
        return "No contract to plan for.\n" if fmt != "markdown" else "_No contract to plan for._\n"
    parts = [_markdown(p) if fmt == "markdown" else _text(p) for p in plans]
    return "\n".join(parts)


def _where(step: Step) -> str:
    if step.file is None:
        return ""
    if step.line is None:
        return step.file
    placement = {"insert": "before line", "replace": "line"}.get(step.action, "line")
    return f"{step.file}, {placement} {step.line}"


def _title(plan: Plan) -> str:
    kind = "Implementation plan" if plan.mode == "implementation" else "Test strategy"
    return f"{kind} for {plan.contract} ({plan.subject}; {plan.edition})"


def _text(plan: Plan) -> str:
    out = [_title(plan), "=" * len(_title(plan))]
    out += [f"note: {n}" for n in plan.notes]
    if plan.mode == "testing":
        out.append("")
        out += [f"[ ] {item.category}: {item.what}  -> {item.test or 'no test'}" for item in plan.checklist]
        out += ["", f"Starknet Foundry test file ({plan.test_path}):", "", plan.test_file]
        return "\n".join(out) + "\n"
    for number, step in enumerate(plan.steps, 1):
        out += ["", f"{number}. {step.title}  [{step.action}]"]
        where = _where(step)
        if where:
            out.append(f"   where: {where}" + (f" (replace `{step.old}`)" if step.old else ""))
        out.append(f"   why: {step.why}")
        if step.code:
            out += ["   code:", *(f"   | {line}" for line in step.code.split("\n"))]
        out.append(f"   verify: {step.verify}")
    return "\n".join(out) + "\n"


def _markdown(plan: Plan) -> str:
    out = [f"## {_title(plan)}", ""]
    out += [line for n in plan.notes for line in (f"> {n}", "")]
    if plan.mode == "testing":
        out += [f"- [ ] **{item.category}**: {item.what}" + (f" (`{item.test}`)" if item.test else "") for item in plan.checklist]
        out += ["", f"`{plan.test_path}`:", "", "```cairo", plan.test_file.rstrip("\n"), "```"]
        return "\n".join(out) + "\n"
    for number, step in enumerate(plan.steps, 1):
        out += [f"### {number}. {step.title}", ""]
        where = _where(step)
        if where:
            out.append(f"*Where*: `{where}`" + (f", replacing `{step.old}`" if step.old else ""))
            out.append("")
        out += [f"*Why*: {step.why}", ""]
        if step.code:
            out += ["```cairo", step.code, "```", ""]
        out += [f"*Verify*: {step.verify}", ""]
    return "\n".join(out)
