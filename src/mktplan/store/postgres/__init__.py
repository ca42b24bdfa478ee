"""The PostgreSQL store: the same observations, guarantees and answers as the SQLite file,
on a server a team shares (``--store postgresql://user@host:port/dbname``).

* Every ``ingest`` call is one transaction that first takes the store's advisory lock
  (``pg_advisory_xact_lock``): concurrent ingests from any host queue, waiting up to
  ``lock_timeout`` seconds, and a killed one is rolled back by the server.
* ``dry_run`` is the same transaction rolled back; nothing is copied.
* Readers never wait: a report reads one REPEATABLE READ snapshot.
* Rows go in with COPY; the comparison with stored rows (new, changed, unchanged) is the
  SQLite store's (:mod:`mktplan.store.upsert`), so both count alike.

Passwords come from the URI, PGPASSWORD or ~/.pgpass (libpq) and are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mktplan.errors import UsageError
from mktplan.i18n import msg
from mktplan.store.locate import mask_password
from mktplan.store.protocol import ObservationStore, StoreLocation

try:
    import psycopg
except ImportError:  # the optional extra is not installed: PostgresLocation.parse says so
    psycopg = None  # type: ignore[assignment]


@dataclass(frozen=True)
class PostgresLocation:
    """A PostgreSQL database named by a libpq URI."""

    url: str

    @classmethod
    def parse(cls, value: str, where: str = "--store") -> PostgresLocation:
        """The location of ``value``; UsageError when the driver is missing or the URI is
        not one libpq understands."""
        if psycopg is None:
            raise UsageError(
                msg("store.pg.no_driver", where=where, value=mask_password(value)),
                hint=msg("store.pg.no_driver.hint"),
            )
        from psycopg.conninfo import conninfo_to_dict

        try:
            conninfo_to_dict(value)
        except psycopg.ProgrammingError as exc:
            detail = mask_password(str(exc).strip().splitlines()[0]) if str(exc) else ""
            raise UsageError(
                msg("store.pg.bad_uri", where=where, value=mask_password(value), detail=detail),
                hint=msg("store.pg.bad_uri.hint"),
            ) from None
        return cls(value)

    def __str__(self) -> str:
        return mask_password(self.url)

    def exists(self) -> bool:
        return True  # a database is created by its administrator; opening says if it is not

    def open(self, *, lock_timeout: float = 600.0) -> ObservationStore:
        from mktplan.store.postgres.store import PostgresStore

        return PostgresStore.open(self.url, lock_timeout=lock_timeout)

    def for_dry_run(self, scratch: Path, *, lock_timeout: float = 600.0) -> StoreLocation:
        return self  # the ingest's transaction is rolled back; a newer schema is refused first

    def files(self) -> list[Path]:
        return []
