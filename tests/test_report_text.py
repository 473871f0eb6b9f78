"""The text report: grouping, code frames, caret placement, related locations, summary, colour."""

from __future__ import annotations

import re
from pathlib import Path

from report_sample import sample

from cairo_upgrade_lint.findings import Finding, Location, Related, Severity
from cairo_upgrade_lint.report import ReportContext, render

EXPECTED = """\
src/lib.cairo

warning[CUL108] storage-layout-unverifiable: layout of `f` cannot be verified (confidence: medium)
 --> src/lib.cairo:2:4
  |
2 | fn f() {
  |    ^^^^^
3 |     let a = 1;
  |     ^^^^^^^^^^
 ...
7 |     let d = 4;
  |     ^^^^^^^^^^
8 | }
  | ^

error[CUL000] parse-error: expected `)`, found end of file
 --> src/lib.cairo:9:6
  |
9 | fn g(
  |      ^

src/token.cairo

error[CUL102] storage-member-renamed: storage member `balance` was renamed to `balances`
 --> src/token.cairo:3:2
  |
3 |     balances: Map<ContractAddress, u256>, // 残高 ✓
  |     ^^^^^^^^
 ::: src/token.cairo:3:5 (old version)
  |
3 |     balance: Map<ContractAddress, u256>,
  |     ------- old declaration
  = fix: add #[rename("balance")] to keep the old address

note[CUL999]: event field renamed
 --> src/token.cairo:4:5
  |
4 |     名前: felt252,
  |     ^^^^

Found 4 problems (2 errors, 1 warning, 1 note) in 2 files. 3 files analysed in 0.25s.
"""


def test_full_report_groups_by_file_with_frames_and_summary(tmp_path: Path) -> None:
    # covers: a tab before the span, wide CJK characters, a span at end of file (past the last
    # character, no final newline), a long multi-line span, a related location in the old version
    s = sample(tmp_path)
    assert render(s.findings, "text", s.context) == EXPECTED


def _frame(tmp_path: Path, source: str, location: tuple[int, int, int, int], **finding: object) -> str:
    path = tmp_path / "a.cairo"
    context = ReportContext(root=tmp_path, catalogue={}, read_source={str(path): source}.get)
    found = Finding("CUL999", Severity.WARNING, "m", Location(str(path), *location), **finding)  # type: ignore[arg-type]
    report = render([found], "text", context)
    return report.split("\n\n")[1]  # the finding's block, between the file header and the summary


def test_short_multi_line_span_skips_the_marker_under_a_blank_line(tmp_path: Path) -> None:
    assert _frame(tmp_path, "fn f() {\n\n    x();\n}\n", (1, 4, 3, 8)) == (
        "warning[CUL999]: m\n --> a.cairo:1:4\n  |\n1 | fn f() {\n  |    ^^^^^\n2 |\n3 |     x();\n  |     ^^^^"
    )


def test_end_column_past_the_line_is_clamped_and_crlf_is_not_shown(tmp_path: Path) -> None:
    assert _frame(tmp_path, "let a = 1;\r\nlet b = 2;\r\n", (2, 5, 2, 40)) == (
        "warning[CUL999]: m\n --> a.cairo:2:5\n  |\n2 | let b = 2;\n  |     ^^^^^^"
    )


def test_control_characters_are_neutralised_and_keep_caret_alignment(tmp_path: Path) -> None:
    frame = _frame(tmp_path, "a\x1b[31mb = 1;\n", (1, 7, 1, 7))
    assert "\x1b" not in frame
    assert frame.endswith("1 | a\ufffd[31mb = 1;\n  |       ^")


def test_gutter_width_follows_the_largest_line_number(tmp_path: Path) -> None:
    source = "\n" * 9 + "x = 1;\n"
    assert _frame(tmp_path, source, (10, 1, 10, 1), fix="first\nsecond") == (
        "warning[CUL999]: m\n  --> a.cairo:10:1\n   |\n10 | x = 1;\n   | ^\n   = fix: first\n          second"
    )


def test_unreadable_source_or_line_out_of_range_prints_locations_only(tmp_path: Path) -> None:
    old = tmp_path / "old" / "a.cairo"
    context = ReportContext(root=tmp_path / "new", old_root=tmp_path / "old", catalogue={}, read_source=lambda path: None)
    finding = Finding(
        "CUL999",
        Severity.ERROR,
        "m",
        Location(str(tmp_path / "new" / "a.cairo"), 3, 1, 3, 2),
        related=(Related(Location(str(old), 1, 1, 1, 1), "was here"),),
    )
    block = render([finding], "text", context).split("\n\n")[1]
    assert block == "error[CUL999]: m\n --> a.cairo:3:1\n ::: a.cairo:1:1 (old version): was here"
    beyond = _frame(tmp_path, "one line\n", (5, 1, 5, 1))
    assert beyond == "warning[CUL999]: m\n --> a.cairo:5:1"


def test_no_findings_gives_a_clean_summary(tmp_path: Path) -> None:
    s = sample(tmp_path, files_analysed=1, elapsed=1.5)
    assert render([], "text", s.context) == "No problems found. 1 file analysed in 1.50s.\n"


def test_inputs_that_could_not_be_read_are_not_called_clean(tmp_path: Path) -> None:
    """The input errors themselves go to stderr; the summary must not read as a clean result."""
    nothing = sample(tmp_path, files_analysed=0, input_errors=1, elapsed=0.5).context
    assert render([], "text", nothing) == "Nothing analysed: 1 input error. 0 files analysed in 0.50s.\n"
    partly = sample(tmp_path, files_analysed=3, input_errors=2, elapsed=0.5).context
    expected = "No problems found in what could be read (2 input errors). 3 files analysed in 0.50s.\n"
    assert render([], "text", partly) == expected


def test_colour_only_when_asked(tmp_path: Path) -> None:
    plain = sample(tmp_path)
    assert "\x1b[" not in render(plain.findings, "text", plain.context)
    coloured = sample(tmp_path, color=True)
    report = render(coloured.findings, "text", coloured.context)
    assert "\x1b[1;31merror[CUL102]\x1b[0m" in report
    assert "\x1b[1;33m^^^^^\x1b[0m" in report  # the warning's carets in the warning colour
    assert "\x1b[1;34m------- old declaration\x1b[0m" not in report  # marks and label are painted apart
    assert "\x1b[1;34m-------\x1b[0m \x1b[1;34mold declaration\x1b[0m" in report
    # stripping the escapes gives the plain report back
    assert re.sub(r"\x1b\[[0-9;]*m", "", report) == render(plain.findings, "text", plain.context)


def test_files_outside_both_roots_show_absolute_paths(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.cairo"
    context = ReportContext(root=tmp_path / "project", catalogue={}, read_source=lambda p: "x\n")
    finding = Finding("CUL999", Severity.NOTE, "m", Location(str(elsewhere), 1, 1, 1, 1))
    assert f" --> {elsewhere.resolve().as_posix()}:1:1" in render([finding], "text", context)
