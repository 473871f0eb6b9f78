"""Ecosystem check: run lint-upgrade on real upgrade steps of public Starknet projects.

Each ``[[step]]`` of ``benchmarks/ecosystem/steps.toml`` names a repository, two refs and a package
folder. The repository is read from a bare mirror (``<mirrors>/<owner>+<name>/repo``), the NEW ref is
checked out in a shared clone outside the project, and ``lint-upgrade --base OLD PACKAGE`` runs inside
it. Findings are compared with hand-written verdicts (``verdicts.toml``) and the last recorded run
(``last_run.json``): error precision per rule, new / gone findings, lost true positives.

Fingerprint of a finding (stable across line moves)::

    step_id | rule_id | path relative to the repository | subject

where the subject is the first name the message quotes in backticks (the member, entry point or
contract it is about), so a verdict survives rewording of the message; a message that quotes no name
is its own subject. A scratch folder of the old version (``.../tmp*/<n>/``) is dropped from the path
and subject, and ``FILE.cairo:12:5`` / ``line 12`` / ``column 5`` become ``FILE.cairo:N`` /
``line N`` / ``column N``. Findings of one step with the same fingerprint get ``#2``, ``#3``... in
file order.

verdicts.toml::

    [verdict."<fingerprint>"]
    verdict = "true"        # or "false"; "" = not yet labelled
    reason = "one line"

    [[miss]]
    step = "step-id"
    rule = "CUL102"
    description = "a real hazard the tool should report"
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks" / "ecosystem"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cairo-upgrade-lint" / "ecosystem"
SEVERITIES = ("error", "warning", "note")
SPARSE = ("*.cairo", "Scarb.toml", "Scarb.lock", "cairo_project.toml", ".cairo-upgrade-lint.toml")

_SCRATCH = re.compile(r"(?:/[^\s`'\"]*)?/tmp[^/\s`'\"]*/\d+/")
_FILE_POS = re.compile(r"(\.(?:cairo|toml)):\d+(?::\d+)?")
_QUOTED = re.compile(r"`[^`]+`")
_WORD_POS = re.compile(r"\b(line|column|col)s? \d+(?:-\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One upgrade step: ``repo`` at ``old`` -> ``new``, package folder ``package``."""

    id: str
    repo: str
    old: str
    new: str
    package: str = "."
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """One finding of one step, with its fingerprint."""

    fingerprint: str
    step: str
    rule: str
    severity: str
    path: str
    line: int
    message: str


@dataclass
class StepResult:
    """What running one step gave: ``status`` is ok, skipped or failed."""

    step: Step
    status: str
    detail: str = ""
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    def counts(self) -> dict[str, int]:
        """Findings per severity."""
        counter = Counter(f.severity for f in self.findings)
        return {s: counter.get(s, 0) for s in SEVERITIES}


@dataclass(frozen=True)
class Verdict:
    """A human label of one fingerprint."""

    verdict: str
    reason: str


@dataclass(frozen=True)
class Miss:
    """A real hazard the tool does not report."""

    step: str
    rule: str
    description: str


# ---------------------------------------------------------------- inputs


def load_steps(path: Path) -> list[Step]:
    """The ``[[step]]`` tables of ``path``; ids must be unique."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    steps = [Step(**{k: str(v) for k, v in raw.items() if k in Step.__dataclass_fields__}) for raw in data.get("step", [])]
    dupes = [i for i, n in Counter(s.id for s in steps).items() if n > 1]
    if dupes:
        raise ValueError(f"{path}: duplicate step ids: {', '.join(dupes)}")
    return steps


def load_verdicts(path: Path) -> tuple[dict[str, Verdict], list[Miss]]:
    """Labels by fingerprint (empty verdicts are dropped) and the recorded misses, from one file
    or from every ``*.toml`` of a folder (one file per project)."""
    if path.is_dir():
        verdicts: dict[str, Verdict] = {}
        misses: list[Miss] = []
        for part in sorted(path.glob("*.toml")):
            found, missed = load_verdicts(part)
            verdicts.update(found)
            misses += missed
        return verdicts, misses
    if not path.exists():
        return {}, []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    verdicts = {}
    for fingerprint, entry in data.get("verdict", {}).items():
        value = str(entry.get("verdict", "")).strip().lower()
        if value not in ("", "true", "false"):
            raise ValueError(f'{path}: verdict of {fingerprint!r} must be "true" or "false", not {value!r}')
        if value:
            verdicts[fingerprint] = Verdict(value, str(entry.get("reason", "")))
    misses = [Miss(str(m.get("step", "")), str(m.get("rule", "")), str(m.get("description", ""))) for m in data.get("miss", [])]
    return verdicts, misses


def load_last_run(path: Path) -> dict[str, dict[str, object]]:
    """``{step_id: {"status": ..., "findings": {fingerprint: {...}}}}`` of the recorded run."""
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")).get("steps", {}))


# ---------------------------------------------------------------- git


def git(args: Sequence[str], cwd: Path | None = None, git_dir: Path | None = None) -> str:
    """Run git and return its stdout; raise RuntimeError with git's last stderr line."""
    command = ["git", *(["--git-dir", str(git_dir)] if git_dir else []), *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"git {' '.join(args[:2])}: {lines[-1] if lines else 'failed'}")
    return done.stdout.strip()


def mirror_path(mirrors: Path, repo: str) -> Path:
    """Where the bare mirror of ``owner/name`` lives."""
    owner, _, name = repo.partition("/")
    return mirrors / f"{owner}+{name}" / "repo"


def resolve(mirror: Path, ref: str) -> str:
    """The commit id of ``ref`` in the mirror (tag, branch or commit)."""
    return git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], git_dir=mirror)


def checkout(mirror: Path, repo: str, ref: str, commit: str, cache: Path) -> Path:
    """A work tree of ``commit`` (a shared clone of the mirror under ``cache``), reused when it is there.

    A shared clone reads objects from the mirror and never writes to it; it holds the mirror's tags,
    and ``--base`` is given a commit id, so any old ref the mirror knows resolves inside it. Only the
    files the linter reads are checked out (mirrors may lack large blobs such as compiled JSON).
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", ref).strip("_")
    target = cache / f"{repo.replace('/', '+')}@{safe}"
    if (target / ".git").exists():
        try:
            if git(["rev-parse", "HEAD"], cwd=target) == commit and not git(["status", "--porcelain"], cwd=target):
                return target
        except RuntimeError:
            pass
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    git(["clone", "--quiet", "--shared", "--no-checkout", str(mirror), str(target)])
    git(["sparse-checkout", "set", "--no-cone", *SPARSE], cwd=target)
    git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit], cwd=target)
    return target


# ---------------------------------------------------------------- running


def default_tool() -> str:
    """The ``lint-upgrade`` installed next to this interpreter."""
    return str(Path(sys.executable).parent / "lint-upgrade")


def run_step(step: Step, mirrors: Path, cache: Path, tool: str, timeout: float) -> StepResult:
    """Check out the step's new ref and run lint-upgrade against its old ref."""
    mirror = mirror_path(mirrors, step.repo)
    if not (mirror / "HEAD").exists():
        return StepResult(step, "skipped", "not checked out")
    started = time.perf_counter()
    try:
        old, new = resolve(mirror, step.old), resolve(mirror, step.new)
        tree = checkout(mirror, step.repo, step.new, new, cache)
    except RuntimeError as error:
        return StepResult(step, "failed", f"git: {error}", time.perf_counter() - started)
    if not (tree / step.package).is_dir():
        return StepResult(step, "failed", f"no folder {step.package!r} at {step.new}", time.perf_counter() - started)
    command = [tool, "--base", old, step.package, "--format", "json", "--fail-on", "never", "--no-color"]
    try:
        done = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return StepResult(step, "failed", f"timeout after {timeout:.0f}s", time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return interpret(step, done.returncode, done.stdout, done.stderr, seconds)


def interpret(step: Step, code: int, stdout: str, stderr: str, seconds: float) -> StepResult:
    """A StepResult from lint-upgrade's exit code and JSON report (exit 2 still has a report)."""
    last = (stderr.strip().splitlines() or [""])[-1]
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        return StepResult(step, "failed", f"exit {code}, no JSON report: {last}".strip(), seconds)
    findings = fingerprints(step.id, report.get("findings", []))
    files = int(report.get("summary", {}).get("files_analysed", 0))
    if code == 0 and files:
        return StepResult(step, "ok", "", seconds, findings, files)
    status = "failed" if code >= 3 or not files else "ok"
    return StepResult(step, status, f"exit {code}, {files} files: {last}".strip(" :"), seconds, findings, files)


def normalise(text: str) -> str:
    """``text`` without scratch folders and line/column numbers (see the module docstring)."""
    text = _SCRATCH.sub("", text)
    text = _FILE_POS.sub(r"\1:N", text)
    return _WORD_POS.sub(lambda m: f"{m.group(1)} N", text)


def subject(message: str) -> str:
    """The first backticked name of ``message``, else the whole message (normalised)."""
    quoted = _QUOTED.search(message)
    return normalise(quoted.group(0) if quoted else message)


def fingerprints(step_id: str, raw: Iterable[dict[str, object]]) -> list[Finding]:
    """Findings of one step's JSON report with their fingerprints (duplicates numbered in file order)."""
    found: list[Finding] = []
    seen: Counter[str] = Counter()
    rows = sorted(raw, key=lambda f: (_loc(f)[0], _loc(f)[1], str(f.get("rule_id")), str(f.get("message"))))
    for item in rows:
        path, line = _loc(item)
        rule, message = str(item.get("rule_id", "")), str(item.get("message", ""))
        base = f"{step_id}|{rule}|{normalise(path)}|{subject(message)}"
        seen[base] += 1
        fingerprint = base if seen[base] == 1 else f"{base}#{seen[base]}"
        found.append(Finding(fingerprint, step_id, rule, str(item.get("severity", "")), normalise(path), line, message))
    return found


def _loc(item: dict[str, object]) -> tuple[str, int]:
    location = item.get("location") or {}
    assert isinstance(location, dict)
    return str(location.get("path") or ""), int(location.get("line") or 0)


# ---------------------------------------------------------------- comparing


@dataclass
class Summary:
    """Everything the report prints."""

    results: list[StepResult]
    precision: dict[str, dict[str, int]]
    new: list[Finding]
    gone: list[tuple[str, dict[str, object]]]
    lost: list[tuple[str, Verdict]]
    unchecked: int
    misses: list[Miss]
    seconds: float
    tool: str = ""

    def overall(self) -> dict[str, int]:
        """Totals of the per-rule precision counts."""
        total = Counter[str]()
        for counts in self.precision.values():
            total.update(counts)
        return {k: total.get(k, 0) for k in ("true", "false", "unlabelled")}


def precision_table(findings: Iterable[Finding], verdicts: dict[str, Verdict]) -> dict[str, dict[str, int]]:
    """Per rule, error findings labelled true / false and unlabelled."""
    table: dict[str, Counter[str]] = {}
    for finding in findings:
        if finding.severity == "error":
            label = verdicts.get(finding.fingerprint)
            table.setdefault(finding.rule, Counter())[label.verdict if label else "unlabelled"] += 1
    return {rule: {k: c.get(k, 0) for k in ("true", "false", "unlabelled")} for rule, c in sorted(table.items())}


def ratio(counts: dict[str, int]) -> float | None:
    """true / labelled, None when nothing is labelled."""
    labelled = counts["true"] + counts["false"]
    return counts["true"] / labelled if labelled else None


def compare(results: list[StepResult], verdicts: dict[str, Verdict], misses: list[Miss],
            last: dict[str, dict[str, object]], seconds: float) -> Summary:  # fmt: skip
    """Precision, new / gone since ``last``, lost true positives and the misses of the steps run."""
    current = {f.fingerprint: f for r in results for f in r.findings}
    by_step = {r.step.id: r for r in results}
    new: list[Finding] = []
    gone: list[tuple[str, dict[str, object]]] = []
    for result in results:
        before = last.get(result.step.id)
        if result.status != "ok" or not before or before.get("status") != "ok":
            continue
        old = before.get("findings", {})
        assert isinstance(old, dict)
        new += [f for f in result.findings if f.fingerprint not in old]
        gone += [(fp, info) for fp, info in sorted(old.items()) if fp not in current]
    lost, unchecked = [], 0
    for fingerprint, label in sorted(verdicts.items()):
        ran = by_step.get(fingerprint.split("|", 1)[0])
        if label.verdict != "true" or ran is None:
            continue
        if ran.status == "skipped":
            unchecked += 1
        elif fingerprint not in current:
            lost.append((fingerprint, label))
    run_misses = [m for m in misses if m.step in by_step]
    table = precision_table(current.values(), verdicts)
    return Summary(results, table, new, gone, lost, unchecked, run_misses, seconds)


# ---------------------------------------------------------------- output


def render(summary: Summary, verbose: bool) -> str:
    """The human report."""
    out = [f"tool: {summary.tool}", "", "== steps"]
    for r in summary.results:
        c = r.counts()
        if r.status == "skipped":
            out.append(f"{r.step.id}: skipped: {r.detail}")
            continue
        head = f"{r.step.id}: {r.status}  {c['error']} error, {c['warning']} warning, {c['note']} note  ({r.files} files, {r.seconds:.1f}s)"
        out.append(head + (f"  [{r.detail}]" if r.detail else ""))
        if verbose:
            out += [f"    {f.severity:7} {f.rule} {f.path}:{f.line}: {f.message}" for f in r.findings]
    out.append("")
    out.append("== error precision (true / labelled; unlabelled)")
    for rule, counts in summary.precision.items():
        out.append(_precision_line(rule, counts))
    out.append(_precision_line("overall", summary.overall()))
    out += _section("new since last run", [f"{f.severity} {f.fingerprint}  ({f.path}:{f.line})" for f in summary.new])
    out += _section("gone since last run", [f"{info.get('severity', '?')} {fp}" for fp, info in summary.gone])
    out += _section("lost true positives", [f"{fp}  -- {v.reason}" for fp, v in summary.lost])
    if summary.unchecked:
        out.append(f"({summary.unchecked} labelled true positive(s) in skipped steps not checked)")
    out += _section("recorded misses", [f"{m.step} {m.rule}: {m.description}" for m in summary.misses])
    out.append("")
    out.append(f"total: {len(summary.results)} steps, {summary.seconds:.1f}s")
    return "\n".join(out) + "\n"


def _precision_line(name: str, counts: dict[str, int]) -> str:
    value = ratio(counts)
    shown = "n/a" if value is None else f"{value:.0%}"
    labelled = counts["true"] + counts["false"]
    return f"  {name:10} {shown:>5}  ({counts['true']}/{labelled}; {counts['unlabelled']} unlabelled)"


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", f"== {title}: {len(lines)}", *(f"  {line}" for line in lines)]


def summary_json(summary: Summary) -> str:
    """The machine-readable summary."""
    document = {
        "steps": [
            {
                "id": r.step.id,
                "status": r.status,
                "detail": r.detail,
                "files": r.files,
                "seconds": round(r.seconds, 2),
                "counts": r.counts(),
            }
            for r in summary.results
        ],
        "precision": {"rules": summary.precision, "overall": summary.overall(), "value": ratio(summary.overall())},
        "new": [f.fingerprint for f in summary.new],
        "gone": [fp for fp, _ in summary.gone],
        "lost": [fp for fp, _ in summary.lost],
        "misses": [asdict(m) for m in summary.misses],
        "seconds": round(summary.seconds, 2),
        "tool": summary.tool,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def unlabelled_stubs(results: list[StepResult], verdicts: dict[str, Verdict]) -> str:
    """TOML stubs for every unlabelled error or warning finding."""
    out = ['# unlabelled findings: fill in verdict ("true" | "false") and reason, then move to verdicts.toml', ""]
    for finding in (f for r in results for f in r.findings):
        if finding.severity in ("error", "warning") and finding.fingerprint not in verdicts:
            out.append(f"# {finding.severity} {finding.rule} {finding.path}:{finding.line}")
            out.append(f"# {' '.join(finding.message.split())}")
            out.append(f"[verdict.{toml_string(finding.fingerprint)}]")
            out += ['verdict = ""', 'reason = ""', ""]
    return "\n".join(out)


def record(path: Path, results: list[StepResult], last: dict[str, dict[str, object]]) -> None:
    """Rewrite ``last_run.json``: the steps run replace their entries, the others stay."""
    steps = dict(last)
    for r in results:
        if r.status != "skipped":
            findings = {f.fingerprint: {"severity": f.severity, "path": f.path, "line": f.line} for f in r.findings}
            steps[r.step.id] = {"status": r.status, "detail": r.detail, "findings": findings}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"steps": dict(sorted(steps.items()))}, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=Path, default=BENCH / "steps.toml")
    parser.add_argument("--verdicts", type=Path, default=BENCH / "verdicts")
    parser.add_argument("--last-run", type=Path, default=BENCH / "last_run.json")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where checkouts of the new refs live")
    parser.add_argument("--tool", default=default_tool(), help="the lint-upgrade executable")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per step")
    parser.add_argument("--only", action="append", default=[], metavar="STEP_ID", help="run only this step (repeatable)")
    parser.add_argument("--record", action="store_true", help="rewrite the last-run file with this run")
    parser.add_argument("--unlabelled", type=Path, metavar="FILE", help="write TOML stubs of unlabelled findings")
    parser.add_argument("--json", action="store_true", help="print a JSON summary instead of the text report")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every finding of every step")
    parser.add_argument("--check", action="store_true", help="exit 1 on low precision or a lost true positive")
    parser.add_argument("--min-precision", type=float, default=0.8, help="for --check (default 0.8)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the steps, print the report; 1 with --check on failure, 2 on bad input files."""
    args = parse_args(argv)
    try:
        steps = load_steps(args.steps)
        verdicts, misses = load_verdicts(args.verdicts)
    except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError) as error:
        print(f"ecosystem: {error}", file=sys.stderr)
        return 2
    unknown = set(args.only) - {s.id for s in steps}
    if unknown:
        print(f"ecosystem: unknown step id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    selected = [s for s in steps if not args.only or s.id in args.only]
    started = time.perf_counter()
    results = []
    for step in selected:
        results.append(run_step(step, args.mirrors, args.cache, args.tool, args.timeout))
        print(f"[{len(results)}/{len(selected)}] {step.id}: {results[-1].status}", file=sys.stderr, flush=True)
    last = load_last_run(args.last_run)
    summary = compare(results, verdicts, misses, last, time.perf_counter() - started)
    summary.tool = args.tool
    sys.stdout.write(summary_json(summary) if args.json else render(summary, args.verbose))
    if args.unlabelled:
        args.unlabelled.parent.mkdir(parents=True, exist_ok=True)
        args.unlabelled.write_text(unlabelled_stubs(results, verdicts), encoding="utf-8")
    if args.record:
        record(args.last_run, results, last)
    value = ratio(summary.overall())
    failed = summary.lost or (value is not None and value < args.min_precision)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
