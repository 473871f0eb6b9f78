"""The README is a user's guide that stays true: its commands run, its links resolve, the rule families it
names are the catalogue's, and it stays under 20 KB."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = ["README.md", "CHANGELOG.md", "benchmarks/README.md", "docs/architecture.md", "docs/fuzzing.md"]
TOOLS = ("lint-upgrade", "cairo-upgrade-lint")


def sh_blocks(text: str) -> list[str]:
    """The contents of the ```sh code blocks."""
    return re.findall(r"```sh\n(.*?)\n```", text, re.DOTALL)


def without_code(text: str) -> str:
    """``text`` without its fenced code blocks (their `#` lines are comments, their brackets are code)."""
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL)


def anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings of a Markdown text."""
    headings = re.findall(r"^#+ (.+)$", without_code(markdown), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def run_tool(command: str) -> subprocess.CompletedProcess[str]:
    """``command`` (a README line starting with one of the tools) run from the repository root through
    ``python -m cairo_upgrade_lint``; ``lint-upgrade X`` is the group's ``diff X``."""
    program, *args = shlex.split(command)
    if program == "lint-upgrade":
        args = ["diff", *args]
    return subprocess.run([sys.executable, "-m", "cairo_upgrade_lint", *args], cwd=ROOT, capture_output=True, text=True)


def test_readme_is_under_20_kb() -> None:
    assert len(README.encode()) < 20_000


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(c for c in sh_blocks(README) if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_the_quick_start_runs_the_main_job_on_the_bundled_example() -> None:
    install = next(c for c in sh_blocks(README) if "pip install -q ." in c)
    job = install.split(" && ")[-1].removeprefix(".venv/bin/")
    assert job.startswith("lint-upgrade ")
    result = run_tool(job)
    assert result.returncode == 1, result.stderr  # the example pair is unsafe: errors found
    assert "error[CUL102]" in result.stdout


EXAMPLES = [line for block in sh_blocks(README) for line in block.splitlines() if line.startswith(TOOLS)]


def test_the_readme_shows_runnable_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("command", EXAMPLES)
def test_every_command_in_the_readme_runs(command: str) -> None:
    result = run_tool(command)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("doc", DOCS)
def test_every_relative_link_resolves(doc: str) -> None:
    path = ROOT / doc
    links = re.findall(r"\[[^\]]*\]\(([^)\s]+)\)", without_code(path.read_text()))
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        if not file.exists() or (anchor and anchor not in anchors(file.read_text())):
            broken.append(link)
    assert not broken, f"{doc}: {broken}"


def catalogue_ids() -> set[str]:
    listing = subprocess.run([sys.executable, "-m", "cairo_upgrade_lint", "rules"], capture_output=True, text=True, check=True)
    return set(re.findall(r"^(CUL\d{3}) ", listing.stdout, re.MULTILINE))


def test_the_rule_families_the_readme_names_are_the_catalogues() -> None:
    families = set(re.findall(r"^\| (CUL\d)xx \|", README, re.MULTILINE))
    assert families == {rule_id[:4] for rule_id in catalogue_ids()}


def test_every_rule_id_the_readme_names_exists() -> None:
    named = set(re.findall(r"\bCUL\d{3}\b", README))
    assert named
    assert named <= catalogue_ids()
