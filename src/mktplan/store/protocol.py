"""What ingest, report and log need from a store, whichever engine holds it.

Two backends implement these protocols: the SQLite file (:class:`mktplan.store.Store`, the
embedded default) and a PostgreSQL database (:mod:`mktplan.store.postgres`, for a team).
Callers get a :class:`StoreLocation` from :func:`mktplan.store.locate.resolve_store` and
never test which engine it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from mktplan.observations import ObservationQuery
from mktplan.store.bi import RESULTS_WAIT, KpiOutcome, PlanDefinition
from mktplan.store.records import (
    FileBatch,
    IngestOutcome,
    IngestRun,
    InputProblem,
    OpenProblem,
    StoredObservation,
)


class ReadSnapshot(ObservationQuery, AbstractContextManager["ReadSnapshot"], Protocol):
    """A plan's observations; inside ``with`` every answer comes from one state of the store.

    Besides :class:`~mktplan.observations.ObservationQuery` (aggregate, latest_dates,
    sums_by_line, daily_totals, channel_sums, notes: what the metrics read), a report asks
    :meth:`is_empty` first."""

    def is_empty(self) -> bool:
        """Whether the store holds no observation of the plan at all."""
        ...


class _Closable(Protocol):
    def close(self) -> None: ...


class ClosesConnection:
    """What both stores do with their one connection when done: :meth:`close`, also at the
    end of a ``with`` block."""

    _conn: _Closable

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ObservationStore(Protocol):
    """An open store. Close it (or use ``with``) when done."""

    def close(self) -> None: ...

    def __enter__(self) -> ObservationStore: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def schema_version(self) -> int: ...

    def ingest(
        self,
        plan_id: str,
        batches: Sequence[FileBatch],
        *,
        dry_run: bool = False,
        command: str = "",
        force: bool = False,
        skipped: Sequence[InputProblem] = (),
        definition: PlanDefinition | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> IngestOutcome:
        """Every batch in one transaction (rolled back with ``dry_run``); concurrent ingests
        wait for each other up to the store's lock timeout. In the same transaction: the
        ``skipped`` rows' log entries, stamped with the run's end (see
        :meth:`record_problems`), and the plan's KPI definitions for BI views, replacing
        those of the ingest before. ``before_commit`` is called once everything is written
        and the lock held, just before the commit (not on a dry run); what it raises rolls
        the transaction back. A batch whose bytes an earlier ingest of the plan read another
        way (another config digest) is refused with StoreError while values of that read
        which the batch does not rewrite are stored; with ``force`` those are removed
        (kept in the history as replaced by the batch's file, counted as changed)."""
        ...

    def already_ingested(self, plan_id: str, sha256: str, config_digest: str) -> bool: ...

    def runs(self, plan_id: str | None = None, limit: int = 50) -> list[IngestRun]: ...

    def plans(self) -> list[str]: ...

    def query(self, plan_id: str) -> ReadSnapshot: ...

    def observations(self, plan_id: str) -> list[StoredObservation]: ...

    def history_count(self, plan_id: str | None = None) -> int: ...

    def record_problems(self, plan_id: str, problems: Sequence[InputProblem]) -> None:
        """Log refused or skipped rows of input files (counts and codes, never values), in
        a transaction of its own."""
        ...

    def open_problems(self, plan_id: str) -> list[OpenProblem]:
        """Refused and skipped rows per source (the file name for long-format files) logged
        at or after the source's last accepted ingest (the report's data-quality banner)."""
        ...

    def record_results(
        self,
        plan_id: str,
        as_of: dt.date,
        results: Sequence[KpiOutcome],
        *,
        wait: float = RESULTS_WAIT,
    ) -> None:
        """Replace the KPI results reported for the plan at ``as_of`` (for BI views), waiting
        up to ``wait`` seconds for an ingest holding the store."""
        ...

    def export_rows(
        self, table: str, columns: Sequence[str], order: str
    ) -> Iterator[tuple[object, ...]]:
        """Every row of one of the store's tables (:data:`mktplan.store.copy.TABLES`), dates
        and times as ISO text and booleans as 0/1."""
        ...

    def import_rows(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[tuple[object, ...]]]]
    ) -> None:
        """Write rows as :meth:`export_rows` gives them, every table in one transaction,
        then recount the daily rollup (``store copy`` into an empty store)."""
        ...

    def content_digest(self, plan_id: str | None = None) -> str:
        """sha256 over the current observations and the history, equal across backends for
        equal contents."""
        ...


class StoreLocation(Protocol):
    """Where a store lives, before it is opened. ``str()`` never shows a password."""

    def exists(self) -> bool:
        """True when there is something to open (a file; a reachable database)."""
        ...

    def open(self, *, lock_timeout: float = 600.0) -> ObservationStore:
        """Open it, applying the schema migrations on first use; StoreError otherwise."""
        ...

    def for_dry_run(self, scratch: Path, *, lock_timeout: float = 600.0) -> StoreLocation:
        """Where a dry run ingests: this store when opening it writes nothing (the ingest's
        transaction is rolled back), else a copy or an empty store under ``scratch``."""
        ...

    def files(self) -> list[Path]:
        """Files the store occupies on this machine, which a report must never overwrite: the
        store file first, then its journal's (none for a database server)."""
        ...
