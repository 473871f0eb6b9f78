"""Command line: ``lint-upgrade OLD NEW`` and the ``cairo-upgrade-lint`` command group.

Exit codes: 0 no finding at or above the fail level; 1 findings at or above it; 2 usage or input
error (one line on stderr naming the path); 3 internal error (a bug: please report it).

The cycle collector is off while this module imports the tool, and what the imports created is
then frozen out of later collections: these tens of thousands of objects live as long as the
process, and scanning them was a twentieth of a single-contract run.
"""

from __future__ import annotations

import gc

_COLLECTING = gc.isenabled()
gc.disable()

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, analysis, audit
from . import config as config_module
from .config import FAIL_LEVELS, Config
from .model.errors import InputError
from .report import FORMATS, ReportContext, render, write_output
from .rules.catalogue import load_catalogue, render_markdown, render_text

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every analysing command."""
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Report format (default: text)."),
        click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Write the report to FILE (atomically) instead of stdout."),
        click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default=None,
                     help="Lowest severity that makes the exit code 1 (default: error)."),
        click.option("--select", multiple=True, metavar="IDS",
                     help="Only these rule ids or prefixes (repeatable, comma-separated)."),
        click.option("--ignore", multiple=True, metavar="IDS",
                     help="Skip these rule ids or prefixes (repeatable, comma-separated)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                     help="Config file (default: nearest .cairo-upgrade-lint.toml or pyproject.toml "
                     "with [tool.cairo-upgrade-lint])."),
        click.option("--no-color", is_flag=True, help="Never colour the text report (NO_COLOR is honoured too)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Inputs analysed in parallel (default: the number of cores)."),
        click.option("--no-cache", is_flag=True, help="Do not reuse results of unchanged inputs."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Turn input errors into one line + exit 2 and bugs into one line + exit 3, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except InputError as error:
            _fail(str(error))
        except BrokenPipeError:  # the reader (e.g. `| head`) has gone: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_CLEAN)
        except OSError as error:
            _fail(f"{error.filename or 'output'}: {error.strerror or error}")
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("CUL_DEBUG"):
                raise
            click.echo(f"cairo-upgrade-lint: internal error: {type(error).__name__}: {error} "
                       "(set CUL_DEBUG=1 for the traceback)", err=True)  # fmt: skip
            sys.exit(EXIT_INTERNAL)
        sys.exit(code)

    return wrapper


def _fail(message: str) -> None:
    click.echo(f"cairo-upgrade-lint: error: {message}", err=True)
    sys.exit(EXIT_INPUT)


def _configure(config_path: str | None, anchor: str, **options: Any) -> Config:
    path = config_path or config_module.discover(anchor)
    select = config_module.parse_ids(options.pop("select"))
    ignore = config_module.parse_ids(options.pop("ignore"))
    return config_module.load(path).with_options(select=select, ignore=ignore, **options)


def _report(
    run: analysis.Run,
    config: Config,
    fmt: str | None,
    output: str | None,
    no_color: bool,
    command: str,
    old_root: str | None = None,
) -> int:
    """Render, write, print input errors; return the exit code."""
    for error in run.input_errors:
        click.echo(f"cairo-upgrade-lint: error: {error}", err=True)
    fmt = fmt or "text"
    color = fmt == "text" and output is None and not no_color and "NO_COLOR" not in os.environ
    color = color and sys.stdout.isatty()
    context = ReportContext(
        root=Path.cwd(),
        catalogue=load_catalogue(),
        color=color,
        files_analysed=run.files,
        elapsed=run.elapsed,
        old_root=Path(old_root) if old_root else None,
        command=command,
    )
    write_output(render(run.findings, fmt, context), output)
    if run.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if any(config.fails(f.severity) for f in run.findings) else EXIT_CLEAN


def _old_root(old: str, new: str) -> str | None:
    """The old version's folder when it lies outside the working directory and does not also
    hold the new version (its files are then shown as 'old version')."""
    folder = Path(os.path.abspath(old))
    folder = folder if folder.is_dir() else folder.parent
    outside = not folder.is_relative_to(Path.cwd()) and not Path(os.path.abspath(new)).is_relative_to(folder)
    return str(folder) if outside else None


def _options(config: Config, jobs: int | None, no_cache: bool) -> analysis.Options:
    return analysis.Options(config, jobs or os.cpu_count() or 1, not no_cache)


def _diff(paths: tuple[str, ...], base: str | None, pre_commit: bool, against: str | None, fmt: str | None,
          output: str | None, fail_on: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
          config_path: str | None, no_color: bool, jobs: int | None, no_cache: bool,
          contract: tuple[str, ...]) -> int:  # fmt: skip
    """``OLD NEW``; ``--base REF [PATH...]`` / ``--pre-commit [FILE...]`` against git; or
    ``--against LOCK [PATH...]`` against a layout lock file."""
    if pre_commit:
        base = base or os.environ.get("PRE_COMMIT_FROM_REF") or "HEAD"
        if not paths:
            return EXIT_CLEAN
    if base is not None and against is not None:
        raise click.UsageError("--base and --against exclude each other")
    if base is None and against is None and len(paths) != 2:
        raise click.UsageError("expected OLD and NEW (or --base REF [PATH]..., or --against LOCK [PATH]...)")
    anchor = paths[-1] if paths else "."
    config = _configure(config_path, anchor, select=select, ignore=ignore, fail_on=fail_on)
    options = _options(config, jobs, no_cache)
    pairs = _contract_pairs(contract)
    if base is not None:
        run = analysis.compare_at_ref(base, list(paths) or ["."], options, pairs)
        return _report(run, config, fmt, output, no_color, "diff")
    if against is not None:
        run = analysis.compare_to_lock(against, list(paths) or ["."], options, pairs)
        return _report(run, config, fmt, output, no_color, "diff")
    run = analysis.compare(paths[0], paths[1], options, pairs)
    return _report(run, config, fmt, output, no_color, "diff", _old_root(paths[0], paths[1]))


def _contract_pairs(values: tuple[str, ...]) -> dict[str, str]:
    """``--contract NAME`` pairs NAME with itself; ``--contract OLD=NEW`` pairs a renamed one."""
    pairs = {}
    for value in values:
        old, _, new = value.partition("=")
        if not old.strip() or (_ and not new.strip()):
            raise click.BadParameter(f"{value!r}: expected NAME or OLD=NEW", param_hint="--contract")
        pairs[old.strip()] = (new or old).strip()
    return pairs


_PATH = click.Path(path_type=str)
_contract_option = click.option(
    "--contract", multiple=True, metavar="NAME|OLD=NEW",
    help="Compare only this contract/component (repeatable); OLD=NEW pairs a renamed one.",
)  # fmt: skip


_base_options = [
    click.option("--base", metavar="REF",
                 help="Compare PATH... (default: .) with the same paths at git REF (tag, branch, commit)."),
    click.option("--pre-commit", is_flag=True,
                 help="pre-commit mode: compare the given files with PRE_COMMIT_FROM_REF, else HEAD."),
    click.option("--against", metavar="LOCK", type=click.Path(dir_okay=False),
                 help="Compare PATH... (default: .) with a layout lock file (see `snapshot`)."),
]  # fmt: skip


def _with_base(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_base_options):
        command = option(command)
    return command


@click.command("lint-upgrade", context_settings=_CONTEXT)
@click.argument("paths", nargs=-1, type=_PATH, metavar="OLD NEW | --base REF [PATH]... | --against LOCK [PATH]...")
@_with_base
@_contract_option
@_common_options
@click.version_option(__version__, "--version", prog_name="lint-upgrade")
@_guarded
def lint_upgrade(paths: tuple[str, ...], **options: Any) -> int:
    """Check that upgrading from OLD to NEW is safe.

    OLD and NEW are each a .cairo file or a folder (a Scarb package or workspace, a folder with
    cairo_project.toml, or a plain folder of .cairo files). Contracts and components are paired
    by module name; when each side holds exactly one, they are paired whatever their names.
    With --base REF, the old version is read from git at REF: a file is analysed with its
    package and only its findings are reported.
    """
    return _diff(paths, **options)


@click.group(context_settings=_CONTEXT)
@click.version_option(__version__, "--version", prog_name="cairo-upgrade-lint")
def main() -> None:
    """Upgrade-safety analysis for Starknet Cairo contracts."""


@main.command("diff", context_settings=_CONTEXT)
@click.argument("paths", nargs=-1, type=_PATH, metavar="OLD NEW | --base REF [PATH]... | --against LOCK [PATH]...")
@_with_base
@_contract_option
@_common_options
@_guarded
def diff_command(paths: tuple[str, ...], **options: Any) -> int:
    """Compare OLD and NEW versions (the same as lint-upgrade)."""
    return _diff(paths, **options)


@main.command("check", context_settings=_CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=_PATH)
@_common_options
@_guarded
def check_command(paths: tuple[str, ...], fmt: str | None, output: str | None, fail_on: str | None,
                  select: tuple[str, ...], ignore: tuple[str, ...], config_path: str | None,
                  no_color: bool, jobs: int | None, no_cache: bool) -> int:  # fmt: skip
    """Single-version checks (guards, timelock, parse errors as CUL000) over files and folders."""
    config = _configure(config_path, paths[0], select=select, ignore=ignore, fail_on=fail_on)
    run = analysis.check(list(paths), _options(config, jobs, no_cache))
    return _report(run, config, fmt, output, no_color, "check")


@main.command("layout", context_settings=_CONTEXT)
@click.argument("path", type=_PATH)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write to FILE.")
@_guarded
def layout_command(path: str, fmt: str, output: str | None) -> int:
    """Storage layout (names, types, addresses, sizes) and entry points of each contract."""
    write_output(analysis.layout(path, fmt), output)
    return EXIT_CLEAN


@main.command("snapshot", context_settings=_CONTEXT)
@click.argument("path", type=_PATH)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the lock file to FILE (atomically), e.g. upgrade-layout.lock.json.")  # fmt: skip
@_guarded
def snapshot_command(path: str, output: str | None) -> int:
    """Record the storage layout, entry points and events of PATH in a layout lock file.

    Commit it at each deployment; `lint-upgrade --against FILE` then checks the next version
    against what is deployed.
    """
    write_output(analysis.snapshot(path, output), output)
    return EXIT_CLEAN


@main.command("rules", context_settings=_CONTEXT)
@_guarded
def rules_command() -> int:
    """List the rule catalogue."""
    docs = load_catalogue().values()
    width = max((len(d.name) for d in docs), default=4)
    click.echo(f"{'ID':<7} {'NAME':<{width}} {'SEVERITY':<8} {'CONFIDENCE':<10} SUMMARY")
    for doc in docs:
        click.echo(f"{doc.id:<7} {doc.name:<{width}} {doc.severity.value:<8} {doc.confidence:<10} {doc.summary}")
    return EXIT_CLEAN


@main.command("explain", context_settings=_CONTEXT)
@click.argument("rule_id")
@click.option("--markdown", is_flag=True, help="Print Markdown instead of plain text.")
@_guarded
def explain_command(rule_id: str, markdown: bool) -> int:
    """Explain rule RULE_ID (for example CUL102): why it matters, examples, fix, suppression."""
    catalogue = load_catalogue()
    key = rule_id.strip().upper()
    doc = catalogue.get(key) or next((d for d in catalogue.values() if d.name == rule_id.strip()), None)
    if doc is None:
        raise click.BadParameter(f"unknown rule {rule_id!r} (see 'cairo-upgrade-lint rules')")
    click.echo((render_markdown if markdown else render_text)(doc), nl=False)
    return EXIT_CLEAN


@main.command("audit", context_settings=_CONTEXT)
@click.argument("path", type=_PATH)
@click.option("--type", "kind", type=click.Choice([*audit.PROFILE_NAMES, "all"]), default="all", show_default=True,
              help="The upgrade pattern whose requirements are checked.")
@click.option("--contract", metavar="NAME", default=None,
              help="Audit only this contract, against every chosen pattern (default: the contracts that implement each).")
@click.option("--design", is_flag=True,
              help="Print the detected architecture instead: contracts, components, roles and guards, upgrade paths.")
@click.option("--graph", "graph_format", type=click.Choice(["dot", "mermaid"]), default=None,
              help="Print the call graph of the upgrade paths instead, as Graphviz DOT or Mermaid.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              help="Report format (default: text; --design: text or json).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE (atomically) instead of stdout.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file (default: nearest .cairo-upgrade-lint.toml or pyproject.toml "
              "with [tool.cairo-upgrade-lint]).")
@click.option("--timelock-min-seconds", type=click.IntRange(min=0), default=None,
              help="Least timelock between approval and execution (default: 172800, 48 h).")
@click.option("--multisig-threshold-min", type=click.IntRange(min=1), default=None,
              help="Least multisig threshold (default: 3).")
@click.option("--multisig-signers-min", type=click.IntRange(min=1), default=None,
              help="Least number of multisig signers (default: 5).")
@_guarded
def audit_command(path: str, kind: str, contract: str | None, design: bool, graph_format: str | None, fmt: str,
                  output: str | None, config_path: str | None, **policy: int | None) -> int:  # fmt: skip
    """Check PATH against the requirements of its upgrade pattern.

    Prints each requirement as pass, fail or not found, with the evidence (file:line) and the fix.
    Exit code 1 when a requirement fails (or the code has syntax errors), 0 otherwise.
    """
    if (design and fmt == "sarif") or (graph_format and fmt != "text"):
        raise click.UsageError("--design prints text or json, --graph prints dot or mermaid: drop --format")
    config = _configure(config_path, path, select=(), ignore=(), **policy)
    run = audit.run(path, config, audit.profile_names(kind), contract)
    write_output(audit.render(run, fmt, design, graph_format), output)
    for error in run.input_errors:
        click.echo(f"cairo-upgrade-lint: error: {error}", err=True)
    if run.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if run.failed and not (design or graph_format) else EXIT_CLEAN


gc.freeze()
if _COLLECTING:
    gc.enable()
