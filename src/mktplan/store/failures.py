"""What a failed store operation means to the user: one :class:`StoreError` per cause.

Every store operation runs inside :func:`translated`, which turns SQLite's errors (by their
result code, not their wording) and the errors of decoding a stored value (a hand-edited
date, a text where micro-units belong) into one of the classes below, naming the store file
and how to recover. Nothing from sqlite3 reaches the command line.
"""

from __future__ import annotations

import os
import resource
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mktplan.errors import StoreError

# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes keep them
# in their low byte
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT = 5, 6, 8, 10, 11
_FULL, _CANTOPEN, _CONSTRAINT, _NOTADB = 13, 14, 19, 26
# a STRICT column refused a value of another type; a CHECK refused a value (a date that is
# not ISO): mktplan writes neither, so the row was edited by hand
_CONSTRAINT_DATATYPE, _CONSTRAINT_CHECK = 3091, 275


class StoreLocked(StoreError):
    """Another process held the store's lock longer than the lock timeout."""


class StoreDamaged(StoreError):
    """The store file's pages or values are not what mktplan wrote: restore it."""


class StoreDiskFull(StoreError):
    """The disk holding the store (or its write-ahead log) has no space left."""


class StoreUnusable(StoreError):
    """The store path cannot hold a database: not a regular file, read-only, unreachable."""


def recovery_hint(path: Path) -> str:
    return (
        f"check it with `sqlite3 {path} 'PRAGMA integrity_check'`; restore the file from a "
        "backup, or move it away and ingest the exports again into a new store"
    )


def damaged(path: Path, detail: str) -> StoreDamaged:
    return StoreDamaged(
        f"the store {path} is damaged ({detail}); mktplan cannot use it",
        file=str(path),
        hint=recovery_hint(path),
    )


def not_a_store(path: Path, detail: str) -> StoreUnusable:
    return StoreUnusable(
        f"{path} is not a mktplan store ({detail})",
        file=str(path),
        hint="point --store or MKTPLAN_STORE at a mktplan store file, or move this file away "
        "so a new store can be created",
    )


def not_a_regular_file(path: Path) -> StoreUnusable:
    return StoreUnusable(
        f"the store path {path} is not a regular file (a device, pipe or socket), so it "
        "cannot hold a database",
        file=str(path),
        hint="give the path of a file, e.g. .mktplan/store.sqlite, with --store or MKTPLAN_STORE",
    )


def explain(path: Path, exc: sqlite3.Error, lock_timeout: float) -> StoreError:
    """The user-facing error for an SQLite error raised while using the store at ``path``."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary in (_BUSY, _LOCKED) or (primary is None and ("locked" in text or "busy" in text)):
        return StoreLocked(
            f"another ingest holds the store {path}; gave up after waiting {lock_timeout:g} s",
            file=str(path),
            hint="wait for the other `mktplan ingest` to finish, then run again",
        )
    if "integer overflow" in text:  # SQLite's error (code 1) for a SUM past 64 bits
        return StoreError(
            f"the values of one KPI, day and channel add up beyond what the store {path} can "
            "sum exactly (9,223,372,036,854 in absolute size); nothing was written",
            file=str(path),
            hint="check the export for a value in the wrong unit (cents as units, a "
            "duplicated digit) and ingest it again",
        )
    if primary == _CORRUPT or code in (_CONSTRAINT_DATATYPE, _CONSTRAINT_CHECK):
        return damaged(path, text)
    if primary == _NOTADB:
        return StoreDamaged(
            f"{path} is not a mktplan store: it is not an SQLite database, or a store whose "
            f"first page is damaged ({text})",
            file=str(path),
            hint="if it is not a store, point --store or MKTPLAN_STORE at one; if it was a "
            f"store, {recovery_hint(path)}",
        )
    if primary == _FULL or (primary == _IOERR and _disk_nearly_full(path)):
        # a full disk often shows as an I/O error: SQLite cannot grow the -shm or -wal file
        return StoreDiskFull(
            f"the disk holding the store {path} is full; nothing was written",
            file=str(path),
            hint="free some space on that disk (or move the store with --store) and run again",
        )
    if path.exists() and not path.is_file() and not path.is_dir():
        return not_a_regular_file(path)
    if primary == _READONLY:
        return StoreUnusable(
            f"the store {path} cannot be written: {text}",
            file=str(path),
            hint="check the permissions of the file and of its folder (SQLite writes a -wal "
            "and a -shm file beside it)",
        )
    if primary == _IOERR and (limit := _file_size_limit()) is not None:
        return StoreUnusable(
            f"the store {path} cannot grow: a file size limit of {limit:,} bytes "
            f"(`ulimit -f`) stops it ({text})",
            file=str(path),
            hint="raise the limit for this job (ulimit -f unlimited) or move the store",
        )
    if primary == _IOERR:
        return StoreUnusable(
            f"the disk refused to read or write the store {path} ({text})",
            file=str(path),
            hint="check that the disk is present and has free space, and keep the store on a "
            "local disk",
        )
    if primary == _CANTOPEN:
        return StoreUnusable(
            f"cannot open the store {path}: {text}",
            file=str(path),
            hint="check that its folder exists and is writable",
        )
    return StoreError(
        f"cannot use the store {path}: {text}",
        file=str(path),
        hint="check free disk space and that the store file is writable",
    )


def _disk_nearly_full(path: Path, margin: int = 1 << 20) -> bool:
    """Less than ``margin`` bytes free where the store lives (its folder, or the nearest
    existing parent)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < margin


def _file_size_limit() -> int | None:
    """This process's file size limit in bytes (`ulimit -f`), None when unlimited."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


@contextmanager
def translated(path: Path, lock_timeout: float = 0.0, *, reading: bool = True) -> Iterator[None]:
    """Run a store operation; turn SQLite errors into a :class:`StoreError` naming ``path``.
    When ``reading``, a stored value that cannot be decoded is one too: mktplan wrote every
    value, so a bad one means the file was damaged or edited by hand."""
    try:
        yield
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise explain(path, exc, lock_timeout) from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        if not reading:
            raise
        raise damaged(path, f"a stored value cannot be read: {exc}") from None
