"""What a failed store operation means to the user: one :class:`StoreError` per cause.

A store that cannot be used (locked, damaged, full, unusable) is a :class:`StoreUnavailable`
(exit 4: nothing written, the input not judged); only a failure the input caused (its values
add up past 64 bits) stays a plain :class:`StoreError` (exit 1).

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

from mktplan.errors import StoreError, StoreUnavailable
from mktplan.i18n import Msg, msg

# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes keep them
# in their low byte
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT = 5, 6, 8, 10, 11
_FULL, _CANTOPEN, _CONSTRAINT, _NOTADB = 13, 14, 19, 26
# a STRICT column refused a value of another type; a CHECK refused a value (a date that is
# not ISO): mktplan writes neither, so the row was edited by hand
_CONSTRAINT_DATATYPE, _CONSTRAINT_CHECK = 3091, 275


class StoreLocked(StoreUnavailable):
    """Another process held the store's lock longer than the lock timeout."""


class StoreDamaged(StoreUnavailable):
    """The store file's pages or values are not what mktplan wrote: restore it."""


class StoreDiskFull(StoreUnavailable):
    """The disk holding the store (or its write-ahead log) has no space left."""


class StoreUnusable(StoreUnavailable):
    """The store path cannot hold a database (not a regular file, a folder, read-only,
    unreachable), or the store is from a newer mktplan."""


def recovery_hint(path: Path) -> Msg:
    return msg("store.recovery.hint", path=path)


def damaged(path: Path, detail: str | Msg) -> StoreDamaged:
    return StoreDamaged(
        msg("store.damaged", path=path, detail=detail),
        file=str(path),
        hint=recovery_hint(path),
    )


def not_a_store(path: Path, detail: str | Msg) -> StoreUnusable:
    return StoreUnusable(
        msg("store.not_a_store", path=path, detail=detail),
        file=str(path),
        hint=msg("store.not_a_store.hint"),
    )


def not_a_regular_file(path: Path) -> StoreUnusable:
    return StoreUnusable(
        msg("store.not_a_regular_file", path=path),
        file=str(path),
        hint=msg("store.not_a_regular_file.hint"),
    )


def locked(where: object, lock_timeout: float) -> StoreLocked:
    """Another process held the lock of the store at ``where`` (a path or a masked URI)."""
    return StoreLocked(
        msg("store.locked", store=where, seconds=f"{lock_timeout:g}"),
        file=str(where),
        hint=msg("store.locked.hint"),
    )


def explain(path: Path, exc: sqlite3.Error, lock_timeout: float) -> StoreError:
    """The user-facing error for an SQLite error raised while using the store at ``path``."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    where = str(path)
    if primary in (_BUSY, _LOCKED) or (primary is None and ("locked" in text or "busy" in text)):
        return locked(path, lock_timeout)
    if "integer overflow" in text:  # SQLite's error (code 1) for a SUM past 64 bits
        return StoreError(
            msg("store.sum_overflow", path=path),
            file=where,
            hint=msg("store.sum_overflow.hint"),
        )
    if primary == _CORRUPT or code in (_CONSTRAINT_DATATYPE, _CONSTRAINT_CHECK):
        return damaged(path, text)
    if primary == _NOTADB:
        return StoreDamaged(
            msg("store.not_sqlite", path=path, detail=text),
            file=where,
            hint=msg("store.not_sqlite.hint", recovery=recovery_hint(path)),
        )
    if primary == _FULL or (primary == _IOERR and _disk_nearly_full(path)):
        # a full disk often shows as an I/O error: SQLite cannot grow the -shm or -wal file
        return StoreDiskFull(
            msg("store.disk_full", path=path), file=where, hint=msg("store.disk_full.hint")
        )
    if path.exists() and not path.is_file() and not path.is_dir():
        return not_a_regular_file(path)
    if primary == _READONLY:
        return StoreUnusable(
            msg("store.read_only", path=path, detail=text),
            file=where,
            hint=msg("store.read_only.hint"),
        )
    if primary == _IOERR and (limit := _file_size_limit()) is not None:
        return StoreUnusable(
            msg("store.file_size_limit", path=path, limit=f"{limit:,}", detail=text),
            file=where,
            hint=msg("store.file_size_limit.hint"),
        )
    if primary == _IOERR:
        return StoreUnusable(
            msg("store.io_error", path=path, detail=text),
            file=where,
            hint=msg("store.io_error.hint"),
        )
    if primary == _CANTOPEN:
        return StoreUnusable(
            msg("store.cannot_open", path=path, detail=text),
            file=where,
            hint=msg("store.cannot_open.hint"),
        )
    return StoreUnavailable(
        msg("store.failed", path=path, detail=text),
        file=where,
        hint=msg("store.failed.hint"),
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
        raise damaged(path, msg("store.unreadable_value", why=str(exc))) from None
