"""Compiled report templates are kept between runs in Jinja's private per-user folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from mktplan.render.markdown import render_markdown
from tests.render.sample import sample_evaluation


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of this test's own (where Jinja keeps its per-user folder)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("MKTPLAN_CACHE_DIR", raising=False)
    return tmp_path


def _entries(temp: Path) -> list[Path]:
    return sorted((temp / f"_jinja2-cache-{os.getuid()}").glob("__mktplan_*.cache"))


def test_the_bundled_templates_compile_once_and_read_back_the_same(temp: Path) -> None:
    first = render_markdown(sample_evaluation(), "en")
    entries = _entries(temp)
    assert len(entries) >= 10  # report.md.j2 and its partials
    assert (temp / f"_jinja2-cache-{os.getuid()}").stat().st_mode & 0o777 == 0o700
    stamps = [e.stat().st_mtime_ns for e in entries]
    assert render_markdown(sample_evaluation(), "en") == first
    assert render_markdown(sample_evaluation(), "zh") != first
    assert [e.stat().st_mtime_ns for e in _entries(temp)] == stamps  # read, not rewritten


def test_an_edited_template_compiles_afresh(temp: Path, tmp_path: Path) -> None:
    template = tmp_path / "mine" / "weekly.md.j2"
    template.parent.mkdir()
    template.write_text("first {{ plan.name }}\n", encoding="utf-8")
    assert render_markdown(sample_evaluation(), "en", template).startswith("first ")
    template.write_text("second {{ plan.name }}\n", encoding="utf-8")
    assert render_markdown(sample_evaluation(), "en", template).startswith("second ")


def test_no_cache_when_the_cache_is_turned_off(temp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKTPLAN_CACHE_DIR", "")
    render_markdown(sample_evaluation(), "en")
    assert _entries(temp) == []


def test_an_unsafe_cache_folder_is_not_used_and_the_report_is_written(temp: Path) -> None:
    (temp / f"_jinja2-cache-{os.getuid()}").write_text("not a folder", encoding="utf-8")
    assert render_markdown(sample_evaluation(), "en").startswith("#")


def test_a_full_temporary_disk_only_means_compiling_again(tmp_path: Path) -> None:
    from tests.store.test_failures import fill, small_disk

    with small_disk(tmp_path / "disk", "64k") as disk:
        fill(disk, 4096)
        previous = tempfile.tempdir
        tempfile.tempdir = str(disk)
        try:
            text = render_markdown(sample_evaluation(), "en")
        finally:
            tempfile.tempdir = previous
    assert text == render_markdown(sample_evaluation(), "en")


def test_a_damaged_entry_is_compiled_again(temp: Path) -> None:
    first = render_markdown(sample_evaluation(), "en")
    for entry in _entries(temp):
        entry.write_bytes(entry.read_bytes()[:40])  # cut short: magic and a torn checksum
    assert render_markdown(sample_evaluation(), "en") == first
    for entry in _entries(temp):
        entry.write_bytes(b"not a cache entry")
    assert render_markdown(sample_evaluation(), "en") == first
