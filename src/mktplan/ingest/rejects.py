"""The rejects file: rows ``--skip-invalid`` left out, written beside the input as
`<stem>.rejects.csv` for a person to open in a spreadsheet program (exports that share a
stem in one call share the file, each row naming its file)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mktplan.errors import IngestError
from mktplan.i18n import msg
from mktplan.ingest.mapping import RejectedRow
from mktplan.spreadsheet_text import defused


def rejects_path(path: Path) -> Path:
    """Where the rejected rows of ``path`` are written: `<stem>.rejects.csv` beside it."""
    return path.with_name(f"{path.stem}.rejects.csv")


HEADER = ("file", "line", "column", "value", "reason")


def check_rejects_target(path: Path, inputs: frozenset[Path] = frozenset()) -> None:
    """An IngestError when ``path`` is (or links to) a device, a pipe or a socket, is one of
    the call's ``inputs`` (real paths: an export named `week.rejects.csv` beside `week.csv`),
    or is a file (not a symlink) that mktplan did not write as a rejects file: renaming the
    rejects file over it would replace it."""
    from mktplan.file_kinds import refuse_special

    refuse_special(path, IngestError, "ingest.rejects_not_regular")
    if Path(os.path.realpath(path)) in inputs:
        raise IngestError(
            msg("ingest.rejects_is_input"),
            file=str(path),
            hint=msg("ingest.rejects_is_input.hint"),
        )
    # a symlink is replaced, its target untouched: only a file itself would be lost
    if path.is_file() and not path.is_symlink() and not is_rejects_file(path):
        raise IngestError(
            msg("ingest.rejects_not_ours", header=",".join(HEADER)),
            file=str(path),
            hint=msg("ingest.rejects_is_input.hint"),
        )


def is_rejects_file(path: Path) -> bool:
    """Whether ``path`` starts as a rejects file mktplan writes (its header line)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), None) == list(HEADER)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def earlier_rejects(path: Path, name: str) -> bool:
    """Whether ``path`` is a rejects file mktplan wrote that lists rows of the file ``name``
    (as the user gave it): an earlier ``--skip-invalid`` ingest of it rejected them."""
    if not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = csv.reader(fh)
            return next(rows, None) == list(HEADER) and any(r and r[0] == name for r in rows)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def write_rejects(path: Path, rejects: Sequence[RejectedRow]) -> None:
    """file,line,column,value,reason — UTF-8 with BOM so spreadsheet programs open it right.

    Cells that a spreadsheet would run as a formula (``=cmd|…``) are written as text. The file
    is written to a temporary file in the same folder and renamed over ``path``: a reader
    never sees half a file, and a symlink at ``path`` is replaced, never written through.
    A device, a pipe or a socket at ``path`` is refused (:func:`check_rejects_target`)."""
    check_rejects_target(path)
    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as fh:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fh.fileno(), 0o666 & ~umask)  # an ordinary new file, not mkstemp's 0600
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for r in rejects:
                writer.writerow(
                    (
                        defused(r.file),
                        r.line,
                        defused(r.column),
                        defused(r.value),
                        defused(r.reason),
                    )
                )
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None


def _unwritable(path: Path, exc: OSError) -> IngestError:
    return IngestError(
        msg("ingest.rejects_unwritable", why=str(exc.strerror or exc)),
        file=str(path),
        hint=msg("ingest.rejects_unwritable.hint"),
    )
