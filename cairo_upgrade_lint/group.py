"""The ``cairo-upgrade-lint`` command group: ``diff`` (as ``lint-upgrade``), ``check``, ``layout``,
``snapshot``, ``rules``, ``explain`` and ``audit``. Kept apart from ``cli`` so that a
``lint-upgrade`` run does not build these commands (4 M instructions, 1.5% of a single-contract run).
"""

from __future__ import annotations

import json
from typing import Any

import click

from . import __version__, analysis, audit
from .cli import (
    CONTEXT,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INPUT,
    PATH_ARGUMENT,
    base_options,
    common_options,
    config_option,
    configure,
    contract_option,
    dependency_options,
    emit_report,
    format_option,
    guarded,
    id_options,
    no_color_option,
    output_option,
    run_diff,
    run_options,
)
from .config import parse_ids
from .report import write_output
from .rules.catalogue import load_catalogue, render_markdown, render_text


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="cairo-upgrade-lint")
def main() -> None:
    """Upgrade-safety analysis for Starknet Cairo contracts."""


@main.command("diff", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=PATH_ARGUMENT, metavar="OLD NEW | --base REF [PATH]... | --against LOCK [PATH]...")
@base_options
@contract_option
@common_options
@guarded
def diff_command(paths: tuple[str, ...], **options: Any) -> int:
    """Compare OLD and NEW versions (the same as lint-upgrade)."""
    return run_diff(paths, **options)


@main.command("check", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=PATH_ARGUMENT)
@common_options
@guarded
def check_command(paths: tuple[str, ...], fmt: str | None, output: str | None, fail_on: str | None,
                  select: tuple[str, ...], ignore: tuple[str, ...], config_path: str | None,
                  no_color: bool, jobs: int | None, no_cache: bool, include_tests: bool,
                  scarb: str | None, dependency: tuple[str, ...]) -> int:  # fmt: skip
    """Single-version checks (guards, timelock, parse errors as CUL000) over files and folders."""
    config = configure(config_path, paths[0], select=select, ignore=ignore, fail_on=fail_on,
                       include_tests=include_tests, scarb=scarb, dependency=dependency)  # fmt: skip
    run = analysis.check(list(paths), run_options(config, jobs, no_cache))
    return emit_report(run, config, fmt, output, no_color, "check")


@main.command("layout", context_settings=CONTEXT)
@click.argument("path", type=PATH_ARGUMENT)
@format_option(("text", "json"), "text", "Output format.")
@output_option("the layout")
@config_option
@no_color_option
@dependency_options
@guarded
def layout_command(path: str, fmt: str, output: str | None, config_path: str | None, no_color: bool,
                   scarb: str | None, dependency: tuple[str, ...]) -> int:  # fmt: skip
    """Storage layout (names, types, addresses, sizes) and entry points of each contract."""
    # imported when used, as ``analysis`` does: a cached ``check`` does not need it
    from . import pipeline

    config = configure(config_path, path, select=(), ignore=(), scarb=scarb, dependency=dependency)
    write_output(pipeline.layout(path, fmt, config), output)
    return EXIT_CLEAN


@main.command("snapshot", context_settings=CONTEXT)
@click.argument("path", type=PATH_ARGUMENT)
@output_option("the lock file (e.g. upgrade-layout.lock.json)")
@config_option
@no_color_option
@dependency_options
@guarded
def snapshot_command(path: str, output: str | None, config_path: str | None, no_color: bool,
                     scarb: str | None, dependency: tuple[str, ...]) -> int:  # fmt: skip
    """Record the storage layout, entry points and events of PATH in a layout lock file.

    Commit it at each deployment; `lint-upgrade --against FILE` then checks the next version
    against what is deployed.
    """
    from . import pipeline

    config = configure(config_path, path, select=(), ignore=(), scarb=scarb, dependency=dependency)
    write_output(pipeline.snapshot(path, output, config), output)
    return EXIT_CLEAN


@main.command("rules", context_settings=CONTEXT)
@format_option(("text", "json"), "text", "Output format.")
@output_option("the list")
@id_options("rule")
@no_color_option
@guarded
def rules_command(fmt: str, output: str | None, select: tuple[str, ...], ignore: tuple[str, ...], no_color: bool) -> int:
    """List the rule catalogue."""
    chosen, skipped = parse_ids(select), parse_ids(ignore)
    docs = [d for d in load_catalogue().values() if (not chosen or d.id.startswith(chosen)) and not d.id.startswith(skipped)]
    if fmt == "json":
        rows = [{"id": d.id, "name": d.name, "severity": d.severity.value, "confidence": d.confidence, "summary": d.summary}
                for d in docs]  # fmt: skip
        write_output(json.dumps(rows, indent=2) + "\n", output)
        return EXIT_CLEAN
    width = max((len(d.name) for d in docs), default=4)
    lines = [f"{'ID':<7} {'NAME':<{width}} {'SEVERITY':<8} {'CONFIDENCE':<10} SUMMARY"]
    lines += [f"{d.id:<7} {d.name:<{width}} {d.severity.value:<8} {d.confidence:<10} {d.summary}" for d in docs]
    write_output("\n".join(lines) + "\n", output)
    return EXIT_CLEAN


@main.command("explain", context_settings=CONTEXT)
@click.argument("rule_id")
@click.option("--markdown", is_flag=True, help="Print Markdown instead of plain text.")
@output_option("the explanation")
@no_color_option
@guarded
def explain_command(rule_id: str, markdown: bool, output: str | None, no_color: bool) -> int:
    """Explain rule RULE_ID (for example CUL102): why it matters, examples, fix, suppression."""
    catalogue = load_catalogue()
    key = rule_id.strip().upper()
    doc = catalogue.get(key) or next((d for d in catalogue.values() if d.name == rule_id.strip()), None)
    if doc is None:
        raise click.BadParameter(f"unknown rule {rule_id!r} (see 'cairo-upgrade-lint rules')")
    write_output((render_markdown if markdown else render_text)(doc), output)
    return EXIT_CLEAN


@main.command("audit", context_settings=CONTEXT)
@click.argument("path", type=PATH_ARGUMENT)
@click.option(
    "--type",
    "kind",
    type=click.Choice([*audit.PROFILE_NAMES, "all"]),
    default="all",
    show_default=True,
    help="The upgrade pattern whose requirements are checked.",
)
@click.option(
    "--contract",
    metavar="NAME",
    default=None,
    help="Audit only this contract, against every chosen pattern (default: the contracts that implement each).",
)
@click.option(
    "--design",
    is_flag=True,
    help="Print the detected architecture instead: contracts, components, roles and guards, upgrade paths.",
)
@click.option(
    "--graph",
    "graph_format",
    type=click.Choice(["dot", "mermaid"]),
    default=None,
    help="Print the call graph of the upgrade paths instead, as Graphviz DOT or Mermaid.",
)
@format_option(("text", "json", "sarif"), "text", "Report format (default: text; --design: text or json).")
@output_option()
@config_option
@click.option(
    "--timelock-min-seconds",
    type=click.IntRange(min=0),
    default=None,
    help="Least timelock between approval and execution (default: 172800, 48 h).",
)
@click.option("--multisig-threshold-min", type=click.IntRange(min=1), default=None, help="Least multisig threshold (default: 3).")
@click.option(
    "--multisig-signers-min", type=click.IntRange(min=1), default=None, help="Least number of multisig signers (default: 5)."
)
@id_options("requirement")
@no_color_option
@guarded
def audit_command(path: str, kind: str, contract: str | None, design: bool, graph_format: str | None, fmt: str,
                  output: str | None, config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                  no_color: bool, **policy: int | None) -> int:  # fmt: skip
    """Check PATH against the requirements of its upgrade pattern.

    Prints each requirement as pass, fail or not found, with the evidence (file:line) and the fix.
    Exit code 1 when a requirement fails (or the code has syntax errors), 0 otherwise.
    """
    if (design and fmt == "sarif") or (graph_format and fmt != "text"):
        raise click.UsageError("--design prints text or json, --graph prints dot or mermaid: drop --format")
    config = configure(config_path, path, select=(), ignore=(), **policy)
    run = audit.run(path, config, audit.profile_names(kind), contract, parse_ids(select), parse_ids(ignore))
    write_output(audit.render(run, fmt, design, graph_format), output)
    for error in run.input_errors:
        click.echo(f"cairo-upgrade-lint: error: {error}", err=True)
    if run.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if run.failed and not (design or graph_format) else EXIT_CLEAN
