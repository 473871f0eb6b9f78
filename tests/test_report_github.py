"""GitHub workflow-command annotations and their escaping."""

from __future__ import annotations

from pathlib import Path

from report_sample import sample

from cairo_upgrade_lint.findings import Finding, Location, Severity
from cairo_upgrade_lint.report import render
from cairo_upgrade_lint.report.github import escape_data, escape_property


def test_escaping() -> None:
    assert escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"
    assert escape_data("%0A") == "%250A"  # an escape-looking text survives the round trip


def test_annotations(tmp_path: Path) -> None:
    s = sample(tmp_path)
    assert render(s.findings, "github", s.context).splitlines() == [
        # multi-line span: GitHub accepts no columns on it
        "::warning file=src/lib.cairo,line=2,endLine=8,title=CUL108::layout of `f` cannot be verified",
        "::error file=src/lib.cairo,line=9,col=6,endLine=9,endColumn=6,title=CUL000::expected `)`, found end of file",
        (
            "::error file=src/token.cairo,line=3,col=2,endLine=3,endColumn=9,title=CUL102::"
            "storage member `balance` was renamed to `balances`%0A"
            'Fix: add #[rename("balance")] to keep the old address%0A'
            "old declaration: src/token.cairo:3:5 (old version)"
        ),
        "::notice file=src/token.cairo,line=4,col=5,endLine=4,endColumn=6,title=CUL999::event field renamed",
    ]


def test_properties_and_message_are_escaped(tmp_path: Path) -> None:
    s = sample(tmp_path)
    path = s.new / "src" / "a,b:c%.cairo"
    finding = Finding("CUL000", Severity.ERROR, "50% done\r\nnext: a, b", Location(str(path), 1, 1, 1, 1))
    assert render([finding], "github", s.context) == (
        "::error file=src/a%2Cb%3Ac%25.cairo,line=1,col=1,endLine=1,endColumn=1,title=CUL000::50%25 done%0D%0Anext: a, b\n"
    )


def test_a_finding_in_the_old_version_names_its_file_in_the_message(tmp_path: Path) -> None:
    s = sample(tmp_path)
    finding = Finding("CUL101", Severity.ERROR, "member removed", Location(str(s.old / "src/token.cairo"), 3, 5, 3, 11))
    assert render([finding], "github", s.context) == (
        "::error title=CUL101::src/token.cairo:3:5 (old version):%0Amember removed\n"
    )


def test_no_findings_no_commands(tmp_path: Path) -> None:
    s = sample(tmp_path)
    assert render([], "github", s.context) == ""
