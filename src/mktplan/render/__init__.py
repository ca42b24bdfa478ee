"""Renderers: an :class:`~mktplan.evaluation.Evaluation` in, report bytes out.

``md`` (Jinja2 templates), ``json`` (the stable document), ``xlsx`` (openpyxl workbook) and
``table`` (rich tables as plain text). This module stays light: each renderer imports its
heavy library only when called, so the CLI starts fast.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Literal

from mktplan.errors import ReportError
from mktplan.evaluation import Evaluation

ReportFormat = Literal["md", "xlsx", "json", "table"]
FORMATS: tuple[ReportFormat, ...] = ("md", "xlsx", "json", "table")
EXTENSIONS: dict[ReportFormat, str] = {"md": "md", "xlsx": "xlsx", "json": "json", "table": "txt"}
FORMAT_OF_SUFFIX: dict[str, ReportFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".xlsx": "xlsx",
    ".json": "json",
    ".txt": "table",
}


def render_report(
    ev: Evaluation, fmt: ReportFormat, *, lang: str = "en", template: Path | None = None
) -> bytes:
    """The report in ``fmt`` as bytes (UTF-8 text for md, json and table)."""
    if fmt == "md":
        from mktplan.render.markdown import render_markdown

        return render_markdown(ev, lang, template).encode("utf-8")
    if fmt == "json":
        from mktplan.render.json import render_json

        return render_json(ev).encode("utf-8")
    if fmt == "xlsx":
        from mktplan.render.excel import render_xlsx

        return render_xlsx(ev, lang)
    from mktplan.render.table import render_table_text

    return render_table_text(ev, lang).encode("utf-8")


def report_filename(ev: Evaluation, fmt: ReportFormat) -> str:
    """``<plan-id>-<as-of>.<ext>``, the name cron jobs find the weekly report under."""
    return f"{ev.plan.id}-{ev.plan.as_of.isoformat()}.{EXTENSIONS[fmt]}"


def is_directory_target(out: str) -> bool:
    """Whether ``--out`` names a folder: an existing directory or a path ending in a slash."""
    return out.endswith(("/", os.sep)) or Path(out).is_dir()


def output_path(out: str, ev: Evaluation, fmt: ReportFormat) -> Path:
    """The file ``--out`` designates: ``out`` itself, or the report's name inside folder ``out``."""
    if is_directory_target(out):
        return Path(out) / report_filename(ev, fmt)
    return Path(out)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and os.replace,
    so readers never see a half-written report. Creates missing parent folders."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise ReportError(
                "the output path is a directory",
                file=str(path),
                hint="end it with / or name a file",
            )
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ReportError(
            f"cannot write the report: {exc.strerror}",
            file=str(path),
            hint="check the folder exists and is writable",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is as readable as any file
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ReportError(
            f"cannot write the report: {exc.strerror}",
            file=str(path),
            hint="check there is space and the folder is writable",
        ) from None
