"""PostgreSQL's errors as the store's one error family (:mod:`mktplan.store.failures`).

Classified by SQLSTATE (psycopg's exception classes), never by wording; the store is named
by its URI with the password masked. Nothing from psycopg reaches the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg

from mktplan.errors import StoreError, StoreUnavailable
from mktplan.i18n import msg
from mktplan.store.failures import StoreDiskFull, StoreUnusable, locked


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def explain(where: str, exc: psycopg.Error, lock_timeout: float) -> StoreError:
    """The StoreError that says what ``exc`` means for the store at ``where``: a
    StoreUnavailable (exit 4) unless the server refused a value of the input."""
    if isinstance(exc, pg.LockNotAvailable):
        return locked(where, lock_timeout)
    if isinstance(exc, pg.InsufficientPrivilege):
        return StoreUnusable(
            msg("store.pg.refused_role", store=where, detail=_first_line(exc)),
            file=where,
            hint=msg("store.pg.refused_role.hint"),
        )
    if isinstance(exc, pg.DiskFull):
        return StoreDiskFull(
            msg("store.pg.disk_full", store=where),
            file=where,
            hint=msg("store.pg.disk_full.hint"),
        )
    if isinstance(exc, psycopg.DataError):
        # SQLSTATE class 22: the server refused a value of the input (a NUL in a note), so
        # the file is at fault, not the store; a retry would meet the same refusal
        return StoreError(
            msg("store.pg.refused_value", store=where, detail=_first_line(exc)),
            file=where,
            hint=msg("store.pg.refused_value.hint"),
        )
    if isinstance(exc, pg.ProgramLimitExceeded):
        # SQLSTATE 54000 is an OperationalError in psycopg, but it is a value of the input
        # too big for the server (a channel, budget line or ref past the index's 2,704
        # bytes): exit 4 kept such an export in cron's inbox, holding back every later file
        return StoreError(
            msg("store.pg.value_too_long", store=where, detail=_first_line(exc)),
            file=where,
            hint=msg("store.pg.value_too_long.hint"),
        )
    if isinstance(exc, psycopg.OperationalError):
        return StoreUnusable(
            msg("store.pg.unreachable", store=where, detail=_first_line(exc)),
            file=where,
            hint=msg("store.pg.unreachable.hint"),
        )
    return StoreUnavailable(
        msg("store.pg.failed", store=where, detail=_first_line(exc)),
        file=where,
        hint=msg("store.pg.failed.hint"),
    )


@contextmanager
def translated(where: str, lock_timeout: float) -> Iterator[None]:
    """Run a store operation; psycopg errors become the StoreError saying what they mean."""
    try:
        yield
    except psycopg.Error as exc:
        raise explain(where, exc, lock_timeout) from None
