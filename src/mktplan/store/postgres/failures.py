"""PostgreSQL's errors as the store's one error family (:mod:`mktplan.store.failures`).

Classified by SQLSTATE (psycopg's exception classes), never by wording; the store is named
by its URI with the password masked. Nothing from psycopg reaches the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg

from mktplan.errors import StoreError
from mktplan.store.failures import StoreDiskFull, StoreLocked, StoreUnusable


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def explain(where: str, exc: psycopg.Error, lock_timeout: float) -> StoreError:
    """The StoreError that says what ``exc`` means for the store at ``where``."""
    if isinstance(exc, pg.LockNotAvailable):
        return StoreLocked(
            f"another ingest holds the store {where}; gave up after waiting {lock_timeout:g} s",
            file=where,
            hint="wait for the other `mktplan ingest` to finish, then run again",
        )
    if isinstance(exc, pg.InsufficientPrivilege):
        return StoreUnusable(
            f"the store {where} refused this role: {_first_line(exc)}",
            file=where,
            hint="ingest and report need a writer role (docs/team-store.md shows the GRANTs); "
            "a read-only role is for BI tools",
        )
    if isinstance(exc, pg.DiskFull):
        return StoreDiskFull(
            f"the PostgreSQL server of the store {where} has no disk space left; nothing was "
            "written",
            file=where,
            hint="free space on the database server, then run again",
        )
    if isinstance(exc, psycopg.OperationalError):
        return StoreUnusable(
            f"cannot reach the store {where}: {_first_line(exc)}",
            file=where,
            hint="check the host, port, database name and user in the URI; the password "
            "comes from PGPASSWORD or ~/.pgpass",
        )
    return StoreError(
        f"the store {where} failed: {_first_line(exc)}",
        file=where,
        hint="nothing was written; check the server's log for the cause",
    )


@contextmanager
def translated(where: str, lock_timeout: float) -> Iterator[None]:
    """Run a store operation; psycopg errors become the StoreError saying what they mean."""
    try:
        yield
    except psycopg.Error as exc:
        raise explain(where, exc, lock_timeout) from None
