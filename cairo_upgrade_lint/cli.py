"""Command line: ``lint-upgrade OLD NEW`` and the ``cairo-upgrade-lint`` group (``diff``, the same as
``lint-upgrade``, ``check``, ``layout``, ``snapshot``, ``rules``, ``explain``, ``audit``), with what
they share (options, error handling, reporting), and the console entry points.

Exit codes: 0 no finding at or above the fail level; 1 findings at or above it; 2 usage or input
error (one line on stderr naming the path); 3 internal error (a bug: please report it).
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from . import __version__, analysis, audit
from . import config as config_module
from .catalogue import load_catalogue, render_markdown, render_text
from .config import FAIL_LEVELS, Config, parse_ids
from .errors import InputError
from .paths import within
from .report import FORMATS, ReportContext, read_file_source, render, write_output

if TYPE_CHECKING:  # imported when used: only audit --implementation / --testing need them
    from .guide import Power
    from .model.contracts import Contract

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def stacked(*options: Decorator) -> Decorator:
    """One decorator applying ``options`` so that ``--help`` lists them in the order given."""

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def format_option(choices: tuple[str, ...], default: str | None, help_text: str) -> Decorator:
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, help=help_text)


def output_option(what: str = "the report") -> Decorator:
    return click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
                        help=f"Write {what} to FILE (atomically) instead of stdout.")  # fmt: skip


def id_options(kind: str) -> Decorator:
    """``--select`` and ``--ignore`` over ``kind`` ids (rule or requirement)."""
    return stacked(
        click.option("--select", multiple=True, metavar="IDS",
                     help=f"Only these {kind} ids or prefixes (repeatable, comma-separated, e.g. CUL50)."),
        click.option("--ignore", multiple=True, metavar="IDS",
                     help=f"Skip these {kind} ids or prefixes (repeatable, comma-separated)."),
    )  # fmt: skip


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None,
    help="Config file (default: nearest .cairo-upgrade-lint.toml or pyproject.toml with [tool.cairo-upgrade-lint]).",
)  # fmt: skip
no_color_option = click.option(
    "--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too; only the text report has colour)."
)


def common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every analysing command."""
    return stacked(
        format_option((*FORMATS, "markdown"), None, "Report format (default: text; markdown: with --implementation or --testing)."),
        output_option(),
        click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default=None,
                     help="Lowest severity that makes the exit code 1 (default: error)."),
        id_options("rule"),
        config_option,
        no_color_option,
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Processes: inputs analysed in parallel; a diff of folders builds its old version in a "
                     "second one (default: the number of cores)."),
        click.option("--no-cache", is_flag=True, help="Do not reuse results of unchanged inputs."),
        click.option("--include-tests", is_flag=True,
                     help="Analyse test and mock code too (tests/, test/, mocks/, mock_*.cairo, *_mock.cairo, "
                     "test_common-like packages; see README)."),
        dependency_options,
    )(command)  # fmt: skip


dependency_options = stacked(
    click.option("--scarb", metavar="PATH", default=None,
                 help="The scarb executable whose `scarb metadata` locates dependencies (default: scarb on "
                 "PATH; without one, Scarb.lock and Scarb's cache)."),
    click.option("--dependency", multiple=True, metavar="NAME=PATH",
                 help="Read dependency NAME from folder PATH (repeatable; wins over Scarb's cache)."),
)  # fmt: skip
"""``--scarb`` and ``--dependency``: where Scarb dependencies are found (see README)."""


def guarded(command: Callable[..., int]) -> Callable[..., None]:
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
        except Exception as error:
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


def configure(config_path: str | None, anchor: str, **options: Any) -> Config:
    path = config_path or config_module.discover(anchor)
    select = config_module.parse_ids(options.pop("select"))
    ignore = config_module.parse_ids(options.pop("ignore"))
    if not options.get("include_tests", True):
        options["include_tests"] = None  # the flag not given: the configuration decides
    folders: list[tuple[str, str]] = []
    for value in options.pop("dependency", ()):
        name, sep, folder = value.partition("=")
        if not sep or not name.strip() or not folder.strip():
            raise click.BadParameter(f"{value!r}: expected NAME=PATH", param_hint="--dependency")
        folders.append((name.strip(), folder.strip()))
    config = config_module.load(path)
    given = tuple((name, os.path.abspath(folder)) for name, folder in folders)
    named = {n for n, _ in given}
    dependencies = given + tuple(d for d in config.dependencies if d[0] not in named)
    return config.with_options(select=select, ignore=ignore, dependencies=dependencies, **options)


def emit_report(
    run: analysis.Run,
    config: Config,
    fmt: str | None,
    output: str | None,
    no_color: bool,
    command: str,
    old_root: str | None = None,
    old_label: str | None = None,
    old_source: dict[str, str] | None = None,
    show_present: bool = False,
) -> int:
    """Render, write, print input errors; return the exit code (findings already present in the
    old version never count)."""
    if fmt == "markdown":
        raise click.UsageError("--format markdown goes with --implementation or --testing")
    for error in run.input_errors:
        click.echo(f"cairo-upgrade-lint: error: {error}", err=True)
    fmt = fmt or "text"
    color = fmt == "text" and output is None and not no_color and "NO_COLOR" not in os.environ
    color = color and sys.stdout.isatty()
    reader = read_file_source
    if run.old_texts:

        def reader(path: str) -> str | None:
            return run.old_texts[path] if path in run.old_texts else read_file_source(path)

    context = ReportContext(
        root=os.getcwd(),
        catalogue=load_catalogue(),
        color=color,
        files_analysed=run.files,
        input_errors=len(run.input_errors),
        elapsed=run.elapsed,
        read_source=reader,
        old_root=old_root,
        command=command,
        old_roots=run.old_roots,
        old_label=old_label,
        old_source=old_source,
        present=tuple(run.present),
        show_present=show_present,
        skipped_tests=run.skipped_tests,
        dependencies=tuple(run.dependencies),
    )
    write_output(render(run.findings, fmt, context), output)
    if run.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if any(config.fails(f.severity) for f in run.findings) else EXIT_CLEAN


def _old_root(old: str, new: str) -> tuple[str | None, str | None]:
    """The old version's folder, unless it also holds the new version (its files are then shown
    relative to the working directory), and the label its files are shown under: the OLD
    argument as given (``../v1/src/a.cairo``)."""
    folder = os.path.abspath(old)
    is_folder = os.path.isdir(folder)
    folder = folder if is_folder else os.path.dirname(folder)
    if within(os.path.abspath(new), folder) or within(os.getcwd(), folder):
        return None, None
    label = old if is_folder else os.path.dirname(old)
    label = label.replace(os.sep, "/").rstrip("/")
    return folder, (label + "/" if label else "")


def run_options(config: Config, jobs: int | None, no_cache: bool) -> analysis.Options:
    return analysis.Options(config, jobs or os.cpu_count() or 1, not no_cache)


def run_diff(paths: tuple[str, ...], base: str | None, pre_commit: bool, against: str | None, fmt: str | None,
          output: str | None, fail_on: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
          config_path: str | None, no_color: bool, jobs: int | None, no_cache: bool,
          contract: tuple[str, ...], all_findings: bool = False, include_tests: bool = False,
          scarb: str | None = None, dependency: tuple[str, ...] = ()) -> int:  # fmt: skip
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
    config = configure(config_path, anchor, select=select, ignore=ignore, fail_on=fail_on, include_tests=include_tests,
                       scarb=scarb, dependency=dependency)  # fmt: skip
    options = run_options(config, jobs, no_cache)
    pairs = _contract_pairs(contract)
    report = functools.partial(emit_report, config=config, fmt=fmt, output=output, no_color=no_color,
                               command="diff", show_present=all_findings)  # fmt: skip
    if base is not None:
        run = analysis.compare_at_ref(base, list(paths) or ["."], options, pairs)
        return report(run, old_label=f"{base}:", old_source={"kind": "git", "ref": base})
    if against is not None:
        run = analysis.compare_to_lock(against, list(paths) or ["."], options, pairs)
        return report(run, old_source={"kind": "lock", "path": against.replace(os.sep, "/")})
    run = analysis.compare(paths[0], paths[1], options, pairs)
    old_root, label = _old_root(paths[0], paths[1])
    kind = "folder" if os.path.isdir(paths[0]) else "file"
    source = {"kind": kind, "path": paths[0].replace(os.sep, "/")}
    return report(run, old_root=old_root, old_label=label, old_source=source)


def _contract_pairs(values: tuple[str, ...]) -> dict[str, str]:
    """``--contract NAME`` pairs NAME with itself; ``--contract OLD=NEW`` pairs a renamed one."""
    pairs = {}
    for value in values:
        old, _, new = value.partition("=")
        if not old.strip() or (_ and not new.strip()):
            raise click.BadParameter(f"{value!r}: expected NAME or OLD=NEW", param_hint="--contract")
        pairs[old.strip()] = (new or old).strip()
    return pairs


PATH_ARGUMENT = click.Path(path_type=str)
contract_option = click.option(
    "--contract", multiple=True, metavar="NAME|OLD=NEW",
    help="Compare only this contract/component (repeatable); OLD=NEW pairs a renamed one.",
)  # fmt: skip


_BASE_OPTIONS = [
    click.option("--base", metavar="REF",
                 help="Compare PATH... (default: .) with the same paths at git REF (tag, branch, commit)."),
    click.option("--pre-commit", is_flag=True,
                 help="pre-commit mode: compare the given files with PRE_COMMIT_FROM_REF, else HEAD."),
    click.option("--against", metavar="LOCK", type=click.Path(dir_okay=False),
                 help="Compare PATH... (default: .) with a layout lock file (see `snapshot`)."),
    click.option("--all-findings", is_flag=True,
                 help="Also show single-version findings (guards, timelocks ...) that OLD has too, marked "
                 "'already present in OLD' (they never set the exit code)."),
]  # fmt: skip


base_options = stacked(*_BASE_OPTIONS)


def run_guide(paths: tuple[str, ...], mode: str, options: dict[str, Any]) -> int:
    """``OLD NEW --implementation`` / ``--testing``: the upgrade's plan instead of its findings."""
    from . import guide  # only these modes need it

    if len(paths) != 2 or options["base"] or options["against"] or options["pre_commit"]:
        raise click.UsageError(f"--{mode} expects OLD and NEW (not --base, --against or --pre-commit)")
    if options["fmt"] not in (None, *guide.FORMATS):
        raise click.UsageError(f"--{mode} prints {', '.join(guide.FORMATS)}")
    config = configure(options["config_path"], paths[1], select=(), ignore=(), include_tests=options["include_tests"],
                       scarb=options["scarb"], dependency=options["dependency"])  # fmt: skip
    plans = guide.upgrade_plans(paths[0], paths[1], config, _contract_pairs(options["contract"]), mode)
    write_output(guide.render(plans, options["fmt"] or "text"), options["output"])
    return EXIT_CLEAN


_GUIDE_OPTIONS = [
    click.option("--implementation", is_flag=True,
                 help="Print the migration plan instead: the code that makes each storage or ABI hazard safe, where "
                 "it goes, and the order to deploy and call it."),
    click.option("--testing", is_flag=True,
                 help="Print the upgrade's test strategy instead: a checklist and a Starknet Foundry test file."),
]  # fmt: skip


guide_options = stacked(*_GUIDE_OPTIONS)


def diff_or_guide(paths: tuple[str, ...], implementation: bool, testing: bool, options: dict[str, Any]) -> int:
    """The findings of the upgrade, or with ``--implementation``/``--testing`` its plan."""
    if implementation or testing:
        return run_guide(paths, "testing" if testing else "implementation", options)
    return run_diff(paths, **options)


diff_arguments = stacked(
    click.argument("paths", nargs=-1, type=PATH_ARGUMENT, metavar="OLD NEW | --base REF [PATH]... | --against LOCK [PATH]..."),
    base_options,
    contract_option,
    guide_options,
    common_options,
)
"""What ``lint-upgrade`` and ``cairo-upgrade-lint diff`` both take."""


@click.command("lint-upgrade", context_settings=CONTEXT)
@diff_arguments
@click.version_option(__version__, "--version", prog_name="lint-upgrade")
@guarded
def lint_upgrade(paths: tuple[str, ...], implementation: bool, testing: bool, **options: Any) -> int:
    """Check that upgrading from OLD to NEW is safe.

    OLD and NEW are each a .cairo file or a folder (a Scarb package or workspace, a folder with
    cairo_project.toml, or a plain folder of .cairo files). Contracts and components are paired
    by module name; when each side holds exactly one, they are paired whatever their names.
    With --base REF, the old version is read from git at REF: a file is analysed with its
    package and only its findings are reported. --implementation and --testing print the
    upgrade's plan and test strategy instead (docs/upgrade-guide.md).
    """
    return diff_or_guide(paths, implementation, testing, options)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="cairo-upgrade-lint")
def main() -> None:
    """Upgrade-safety analysis for Starknet Cairo contracts."""


@main.command("diff", context_settings=CONTEXT)
@diff_arguments
@guarded
def diff_command(paths: tuple[str, ...], implementation: bool, testing: bool, **options: Any) -> int:
    """Compare OLD and NEW versions (the same as lint-upgrade)."""
    return diff_or_guide(paths, implementation, testing, options)


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
    return written_with_problems(*pipeline.layout(path, fmt, config), output)


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
    return written_with_problems(*pipeline.snapshot(path, output, config), output)


def written_with_problems(text: str, problems: list[str], output: str | None) -> int:
    """Write what the other files gave, say once per file what is missing, and exit 2 if anything is."""
    write_output(text, output)
    for problem in problems:
        click.echo(f"cairo-upgrade-lint: error: {problem}", err=True)
    return EXIT_INPUT if problems else EXIT_CLEAN


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
        import json  # only this listing needs it: a lint run does not import it

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
@click.option(
    "--implementation",
    is_flag=True,
    help="Print the implementation plan instead: the steps and Cairo code that make each failing or not-found "
    "requirement pass (docs/upgrade-guide.md).",
)
@click.option(
    "--testing",
    is_flag=True,
    help="Print the test strategy of the upgrade machinery instead: a checklist and a Starknet Foundry test file.",
)
@format_option(("text", "json", "sarif", "markdown"), "text", "Report format (default: text; --design: text or json; "
               "markdown: with --implementation or --testing).")  # fmt: skip
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
def audit_command(path: str, kind: str, contract: str | None, design: bool, graph_format: str | None, implementation: bool,
                  testing: bool, fmt: str, output: str | None, config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                  no_color: bool, **policy: int | None) -> int:  # fmt: skip
    """Check PATH against the requirements of its upgrade pattern.

    Prints each requirement as pass, fail or not found, with the evidence (file:line) and the fix.
    Exit code 1 when a requirement fails (or the code has syntax errors), 0 otherwise.
    """
    if (design and fmt == "sarif") or (graph_format and fmt != "text"):
        raise click.UsageError("--design prints text or json, --graph prints dot or mermaid: drop --format")
    guide = "implementation" if implementation else "testing" if testing else None
    if (fmt == "markdown" and not guide) or (
        guide and (design or graph_format or fmt == "sarif" or (implementation and testing))
    ):
        raise click.UsageError("--implementation and --testing print text, markdown or json, without each other, --design "
                               "or --graph")  # fmt: skip
    config = configure(config_path, path, select=(), ignore=(), **policy)
    run = audit.run(path, config, audit.profile_names(kind), contract, parse_ids(select), parse_ids(ignore))
    if guide:
        return audit_plans(run, fmt, output, guide)
    write_output(audit.render(run, fmt, design, graph_format), output)
    for error in run.input_errors:
        click.echo(f"cairo-upgrade-lint: error: {error}", err=True)
    if run.input_errors:
        return EXIT_INPUT
    return EXIT_FINDINGS if run.failed and not (design or graph_format) else EXIT_CLEAN


def audit_plans(run: audit.AuditRun, fmt: str, output: str | None, mode: str) -> int:
    """``audit --implementation``: one plan per audited contract that does not pass every requirement;
    ``--testing``: the test strategy of each audited contract's upgrade machinery."""
    from . import guide  # only these modes need it

    audited: dict[str, tuple[Contract, list[str], list[guide.Gap]]] = {}
    for result in run.results:
        contract = result.contract
        if contract is None:
            continue
        _, passed, gaps = audited.setdefault(contract.qualified_name, (contract, [], []))
        requirement, outcome = result.requirement, result.outcome
        if outcome.status.value == "pass":
            passed.append(requirement.id)
            continue
        lines = tuple(e.location.line for e in outcome.evidence if e.location.path == contract.location.path)
        gaps.append(guide.Gap(requirement.id, requirement.title(run.config), outcome.status.value, outcome.message, lines))
    profiles = ", ".join(run.profiles)
    project, subject = run.audit.project, f"audit {profiles}"
    if mode == "implementation":
        plans = [guide.audit_plan(project, c, gaps, run.config, subject) for c, _, gaps in audited.values() if gaps]
    else:
        powers = _powers(run) if audited else {}
        plans = [
            guide.audit_testing(
                project, c, guide.Audited(tuple(passed), tuple(gaps), powers.get(c.name, ())), run.config, subject
            )
            for c, passed, gaps in audited.values()
        ]
    write_output(guide.render(plans, fmt), output)
    if not audited:
        click.echo(f"cairo-upgrade-lint: no contract implements {profiles}: name one with --contract to plan for it", err=True)
    for error in run.input_errors:
        click.echo(f"cairo-upgrade-lint: error: {error}", err=True)
    return EXIT_INPUT if run.input_errors else EXIT_CLEAN


def _powers(run: audit.AuditRun) -> dict[str, tuple[Power, ...]]:
    """Per contract name, the powers of its guarded entry points (``audit --design``'s governed_by) as
    ``guide.Power`` records."""
    from . import guide
    from .audit.design import describe

    found: dict[str, tuple[Power, ...]] = {}
    for design in describe(run):
        replacing = {p["entry_point"] for p in design["upgrade_paths"] if p["syscall"] == "replace_class_syscall"}
        admitted: dict[tuple[str, str], list[str]] = {}
        for relation in design["governed_by"]:
            admitted.setdefault((relation["entry_point"], relation["power"]), []).append(relation["authority"])
        found[design["name"]] = tuple(
            guide.Power(entry, power, tuple(names), entry in replacing) for (entry, power), names in admitted.items()
        )
    return found


def console_lint_upgrade() -> None:
    """The ``lint-upgrade`` script."""
    _console(lint_upgrade)


def console_main() -> None:
    """The ``cairo-upgrade-lint`` script and ``python -m cairo_upgrade_lint``."""
    _console(main)


def _console(command: click.Command) -> None:
    # A run allocates many long-lived, acyclic objects (syntax trees, models) that each collection of
    # the cycle collector would scan again: without it, 2 MB of Cairo is analysed in 1.5 s instead of
    # 2.5 s (benchmarks/README.md). Garbage is still freed by reference counting.
    gc.disable()
    command()
