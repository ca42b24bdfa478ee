"""From ``--store`` / ``MKTPLAN_STORE`` to a store location: a SQLite file or a PostgreSQL
database. Nothing that looks like a URI is ever taken as a file name, and no password is
ever shown: ``str()`` of a location masks it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from mktplan.errors import UsageError
from mktplan.i18n import msg
from mktplan.store.protocol import ObservationStore, StoreLocation

STORE_ENV = "MKTPLAN_STORE"
POSTGRES_SCHEMES = ("postgresql", "postgres")

# A scheme then ":/" (pathlib folds "//" into "/"); two letters at least, so "C:/" stays a path.
_URI = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):/")
_URI_PASSWORD = re.compile(r"^(?P<lead>[^:]+:/+[^:/@]*):[^@/]*@|(?P<key>password=)[^&]*")


def mask_password(value: str) -> str:
    """``value`` with the password of a URI (``user:secret@`` or ``password=``) as ``***``."""
    return _URI_PASSWORD.sub(
        lambda m: f"{m['lead']}:***@" if m["lead"] is not None else f"{m['key']}***", value
    )


def mask_command(command: str) -> str:
    """A command line as the run log keeps and shows it: each argument's URI password (a
    ``--store postgresql://user:secret@…``) as ``***``."""
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:  # not a shell line: mask what reads as one value
        return mask_password(command)
    masked = [mask_password(word) for word in words]
    return command if masked == words else shlex.join(masked)


@dataclass(frozen=True)
class SqliteLocation:
    """A SQLite store file (created on first ingest)."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        # a directory or a device is refused by Store.open, not taken as "no store yet"
        return self.path.exists()

    def open(self, *, lock_timeout: float = 600.0) -> ObservationStore:
        from mktplan.store import Store

        return Store.open(self.path, lock_timeout=lock_timeout)

    def for_dry_run(self, scratch: Path, *, lock_timeout: float = 600.0) -> StoreLocation:
        from mktplan.store import dry_run_copy

        # against no store everything would be new, which a throw-away store says with the
        # same counts; a store that opening would change (an older schema, a rollback
        # journal) is used through a copy
        target = scratch / "dry.sqlite"
        if not self.path.is_file():
            return self if self.path.is_dir() else SqliteLocation(target)
        copy = dry_run_copy(self.path, target, lock_timeout=lock_timeout)
        return SqliteLocation(copy) if copy is not None else self

    def files(self) -> list[Path]:
        return [self.path, *(Path(f"{self.path}{s}") for s in ("-wal", "-shm", "-journal"))]


def locate(value: str, where: str = "--store") -> StoreLocation:
    """The location ``value`` names: a libpq URI (postgresql:// or postgres://) or a path.

    Raises UsageError for any other URI-like value, and for a PostgreSQL URI when the driver
    (the ``postgres`` extra) is not installed, and for an empty value (``--store ""``,
    which named the current folder)."""
    if not value.strip():
        raise UsageError(msg("store.empty", where=where), hint=msg("store.unknown_uri.hint"))
    found = _URI.match(value)
    if found is None:
        return SqliteLocation(Path(value).expanduser())
    scheme = found["scheme"].lower()
    if scheme in POSTGRES_SCHEMES:
        from mktplan.store.postgres import PostgresLocation

        return PostgresLocation.parse(value, where)
    raise UsageError(
        msg("store.unknown_uri", where=where, value=mask_password(value), scheme=found["scheme"]),
        hint=msg("store.unknown_uri.hint"),
    )


def resolve_store(cli_value: str | Path | None, plan_path: Path) -> StoreLocation:
    """``--store``, else the environment variable MKTPLAN_STORE, else the SQLite file
    ``.mktplan/store.sqlite`` in the plan file's directory."""
    if cli_value is not None:
        return locate(str(cli_value), "--store")
    from_env = os.environ.get(STORE_ENV, "").strip()
    if from_env:
        return locate(from_env, STORE_ENV)
    return SqliteLocation(plan_path.parent / ".mktplan" / "store.sqlite")


def open_store(url: str, *, lock_timeout: float = 600.0) -> ObservationStore:
    """Open the store at ``url`` (a PostgreSQL URI or a SQLite path)."""
    return locate(url).open(lock_timeout=lock_timeout)
