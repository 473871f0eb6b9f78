"""write_output: stdout, or an atomic file replacement; render's format dispatch."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from report_sample import sample

from cairo_upgrade_lint.report import FORMATS, render, write_output
from cairo_upgrade_lint.report import output as output_module


def test_stdout_when_no_path(capsys: pytest.CaptureFixture[str]) -> None:
    write_output("hello ✓\n", None)
    assert capsys.readouterr().out == "hello ✓\n"


def test_writes_utf8_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    write_output("名前\r\nnext\n", target)
    assert target.read_bytes() == "名前\r\nnext\n".encode()
    assert os.listdir(tmp_path) == ["report.sarif"]
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_replaces_an_existing_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    write_output("new", str(target))
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("complete old report")
    with pytest.raises(UnicodeEncodeError):
        write_output("partial text then \ud800 an unencodable character", target)
    assert target.read_text() == "complete old report"
    assert os.listdir(tmp_path) == ["report.json"]


def test_failure_at_the_rename_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(output_module.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_output("text", tmp_path / "report.txt")
    assert os.listdir(tmp_path) == []


def test_render_dispatches_and_rejects_unknown_formats(tmp_path: Path) -> None:
    s = sample(tmp_path)
    assert FORMATS == ("text", "json", "sarif", "github")
    assert render(iter(s.findings), "github", s.context).startswith("::warning ")
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(s.findings, "xml", s.context)
