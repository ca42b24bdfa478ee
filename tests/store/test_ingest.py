"""Writing: counts, corrections with history, idempotence, atomicity, dry runs, isolation,
on both backends (the ``backend`` fixture: a SQLite file, a fresh PostgreSQL database)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest

from mktplan.errors import StoreError
from mktplan.observations import AggRequest, MemoryObservations, Observation
from mktplan.store import FileBatch, ObservationStore, open_store, upsert
from mktplan.store.postgres import store as pg_store
from mktplan.store.records import observation_of
from tests.conftest import PLANS, Backend
from tests.store.helpers import batch, hold_write_lock, in_transaction, obs, read_long_csv

Store = ObservationStore

JUNE = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    with open_store(backend.new()) as opened:
        yield opened


def total(store: Store, kpi: str, plan: str = "p", how: str = "sum") -> Decimal | None:
    request = AggRequest(kpi, *JUNE, how=how)  # type: ignore[arg-type]
    return store.query(plan).aggregate([request])[request].value


def run_count(store: Any) -> int:
    return int(store.connection.execute("SELECT count(*) FROM ingest_run").fetchone()[0])


def test_first_ingest_counts_every_observation_new(store: Store) -> None:
    outcome = store.ingest(
        "p",
        [batch([obs("a", 1, "1.5", "web"), obs("a", 3, "2"), obs("b", 2, "7")], name="w.csv")],
        command="mktplan ingest w.csv",
    )
    assert outcome.run_id is not None
    assert not outcome.dry_run
    (file,) = outcome.files
    assert (file.new, file.changed, file.unchanged, file.already_ingested) == (3, 0, 0, False)
    assert (file.first_date, file.last_date) == (dt.date(2024, 6, 1), dt.date(2024, 6, 3))
    assert file.kpis == ("a", "b")
    assert file.name == "w.csv"
    assert total(store, "a") == Decimal("3.5")


def test_second_file_counts_new_changed_unchanged(store: Store) -> None:
    store.ingest(
        "p",
        [batch([obs("a", 1, "10"), obs("a", 2, "20"), obs("a", 3, "30", note="ok")])],
    )
    second = batch(
        [
            obs("a", 1, "10"),  # unchanged
            obs("a", 2, "25"),  # changed value
            obs("a", 3, "30", note="recounted"),  # changed note only
            obs("a", 4, "40"),  # new
            obs("a", 4, "1", channel="shop"),  # new: another channel
        ],
        name="later.csv",
    )
    (file,) = store.ingest("p", [second]).files
    assert (file.new, file.changed, file.unchanged) == (2, 2, 1)
    assert total(store, "a") == Decimal(10 + 25 + 30 + 40 + 1)


def test_a_correction_keeps_the_replaced_row_and_queries_use_the_latest(store: Any) -> None:
    first = store.ingest("p", [batch([obs("spend", 5, "100.10", line="promotion")], name="a.csv")])
    store.ingest("p", [batch([obs("spend", 5, "90.05", line="promotion")], name="b.csv")])
    assert total(store, "spend") == Decimal("90.05")
    assert store.query("p").sums_by_line(["spend"], *JUNE) == {"promotion": Decimal("90.05")}
    assert store.history_count("p") == 1
    old = store.connection.execute(
        "SELECT h.value, h.line, f.name, r.name FROM observation_history h "
        "JOIN ingest_file f ON f.id = h.file_id JOIN ingest_file r ON r.id = h.replaced_by"
    ).fetchall()
    assert old == [(100_100_000, "promotion", "a.csv", "b.csv")]
    (current,) = store.observations("p")
    assert current.file_name == "b.csv"
    assert current.run_id == (first.run_id or 0) + 1


def test_reingesting_the_same_file_changes_nothing_but_is_logged(store: Store) -> None:
    export = batch([obs("a", 1, "1"), obs("a", 2, "2"), obs("b", 2, "3")], name="w.csv")
    store.ingest("p", [export])
    digest = store.content_digest()
    again = store.ingest("p", [export])
    (file,) = again.files
    assert file.already_ingested
    assert (file.new, file.changed, file.unchanged) == (0, 0, 3)
    assert store.content_digest() == digest
    runs = store.runs("p")
    assert [r.files[0].already_ingested for r in runs] == [True, False]


def test_reingest_of_an_old_file_does_not_undo_a_later_correction(store: Store) -> None:
    original = batch([obs("a", 1, "1")], name="mon.csv")
    store.ingest("p", [original])
    store.ingest("p", [batch([obs("a", 1, "5")], name="fix.csv")])
    (file,) = store.ingest("p", [original]).files
    assert file.already_ingested
    assert total(store, "a") == Decimal(5)


def test_same_bytes_with_another_mapping_or_plan_are_a_new_input(store: Store) -> None:
    values = [obs("a", 1, "1"), obs("a", 2, "2")]
    store.ingest("p", [batch(values, sha256="same", config="map-1")])
    (remapped,) = store.ingest("p", [batch(values, sha256="same", config="map-2")]).files
    assert not remapped.already_ingested
    assert (remapped.new, remapped.unchanged) == (0, 2)
    (other_plan,) = store.ingest("q", [batch(values, sha256="same", config="map-1")]).files
    assert not other_plan.already_ingested
    assert other_plan.new == 2


def test_the_same_file_twice_in_one_call_is_ingested_once(store: Store) -> None:
    export = batch([obs("a", 1, "1")])
    first, second = store.ingest("p", [export, export]).files
    assert first.new == 1
    assert second.already_ingested
    assert second.unchanged == 1


def test_a_later_file_in_the_same_call_corrects_an_earlier_one(store: Store) -> None:
    first, second = store.ingest(
        "p", [batch([obs("a", 1, "1")], name="1.csv"), batch([obs("a", 1, "2")], name="2.csv")]
    ).files
    assert (first.new, second.changed) == (1, 1)
    assert total(store, "a") == Decimal(2)
    assert store.history_count() == 1


def test_values_keep_six_decimals_exactly(store: Any) -> None:
    values = [obs("a", d, "0.1", channel=str(c)) for d in range(1, 31) for c in range(10)]
    store.ingest("p", [batch(values)])
    assert total(store, "a") == Decimal("30")  # 300 × 0.1, no float drift
    store.ingest("p", [batch([obs("b", 1, "1.0000004"), obs("b", 2, "1.0000005")])])
    rows = store.connection.execute("SELECT value FROM observation WHERE kpi = 'b'").fetchall()
    assert rows == [(1_000_000,), (1_000_000,)]  # rounded half-even to micro-units


def test_empty_notes_and_lines_are_stored_as_none(store: Store) -> None:
    store.ingest("p", [batch([obs("a", 1, "1", note="", line="")])])
    (stored,) = store.observations("p")
    assert stored.observation.note is None
    assert stored.observation.line is None
    assert store.query("p").notes(*JUNE) == []


def test_observations_carry_their_provenance(store: Store) -> None:
    export = batch([obs("a", 1, "1"), obs("a", 2, "2")], name="in/w.csv", source="daily_report")
    run = store.ingest("p", [export])
    first, second = store.observations("p")
    assert (first.file_name, first.file_sha256, first.source) == (
        "in/w.csv",
        export.sha256,
        "daily_report",
    )
    assert (first.row_number, second.row_number) == (2, 3)
    assert first.run_id == run.run_id
    assert first.ingested_at.tzinfo is not None
    assert first.observation == obs("a", 1, "1")


def test_runs_list_newest_first_with_files_and_command(store: Store) -> None:
    for n in range(3):
        store.ingest("p", [batch([obs("a", 1, str(n))], name=f"{n}.csv")], command=f"ingest {n}")
    store.ingest("q", [batch([obs("a", 1, "9")])])
    runs = store.runs("p")
    assert [r.command for r in runs] == ["ingest 2", "ingest 1", "ingest 0"]
    assert runs[0].files[0].name == "2.csv"
    assert runs[0].files[0].changed == 1
    assert runs[0].started_at >= runs[1].started_at
    assert len(store.runs()) == 4
    assert len(store.runs("p", limit=2)) == 2
    assert store.plans() == ["p", "q"]


def test_two_plans_in_one_store_are_isolated(store: Store) -> None:
    same_key = [obs("online.sales", 1, "100", "web"), obs("online.sales", 2, "50", "web")]
    store.ingest("plan-a", [batch(same_key)])
    digest_a = store.content_digest("plan-a")
    store.ingest("plan-b", [batch([obs("online.sales", 1, "7", "web")], name="b.csv")])
    assert store.content_digest("plan-a") == digest_a
    assert total(store, "online.sales", "plan-a") == Decimal(150)
    assert total(store, "online.sales", "plan-b") == Decimal(7)
    assert store.query("plan-b").latest_dates() == {"online.sales": dt.date(2024, 6, 1)}
    assert store.history_count() == 0
    assert [o.observation.value for o in store.observations("plan-b")] == [Decimal(7)]


def test_dry_run_counts_like_a_real_run_and_writes_nothing(store: Store) -> None:
    store.ingest("p", [batch([obs("a", 1, "1"), obs("a", 2, "2")])])
    digest, runs = store.content_digest(), run_count(store)
    proposed = [
        batch([obs("a", 1, "1"), obs("a", 2, "3"), obs("a", 3, "4")], name="x.csv"),
        batch([obs("a", 3, "5")], name="y.csv"),
    ]
    dry = store.ingest("p", proposed, dry_run=True)
    assert dry.dry_run
    assert dry.run_id is None
    assert store.content_digest() == digest
    assert run_count(store) == runs
    real = store.ingest("p", proposed)
    assert [(f.new, f.changed, f.unchanged) for f in dry.files] == [
        (f.new, f.changed, f.unchanged) for f in real.files
    ]
    assert [(f.new, f.changed, f.unchanged) for f in real.files] == [(1, 1, 1), (0, 1, 0)]


def test_a_later_bad_batch_leaves_the_store_as_it_was(store: Store) -> None:
    store.ingest("p", [batch([obs("a", 1, "1")])])
    digest, runs = store.content_digest(), run_count(store)
    good = batch([obs("a", 1, "2"), obs("a", 2, "2")], name="good.csv")
    duplicated = batch([obs("b", 1, "1"), obs("c", 1, "1"), obs("b", 1, "2")], name="dup.csv")
    with pytest.raises(StoreError, match="appears twice in one file") as info:
        store.ingest("p", [good, duplicated])
    assert (info.value.file, info.value.line, info.value.path) == ("dup.csv", 4, "b")
    assert store.content_digest() == digest
    assert run_count(store) == runs
    assert total(store, "a") == Decimal(1)


def test_a_value_too_large_to_store_is_refused_with_its_row(store: Store) -> None:
    huge = batch([obs("a", 1, "1"), obs("a", 2, "1e13")], name="big.csv")
    digest = store.content_digest()
    with pytest.raises(StoreError, match="cannot be stored exactly") as info:
        store.ingest("p", [batch([obs("a", 3, "1")]), huge])
    assert (info.value.file, info.value.line) == ("big.csv", 3)
    assert store.content_digest() == digest
    assert store.observations("p") == []


def test_mismatched_row_numbers_are_refused(store: Store) -> None:
    broken = FileBatch("x.csv", "s", "long", "c", 2, [obs("a", 1, "1")], [2, 3])
    with pytest.raises(StoreError, match="1 observations but 2 row numbers"):
        store.ingest("p", [broken])


def rows_batch(name: str, rows: list[tuple[Any, ...]]) -> FileBatch:
    """A batch in ingest's own form: (kpi, date, channel, micro-units, note, line, row, ref)."""
    return FileBatch(name, f"sha-{name}", "long", "c", len(rows), rows=rows)


def test_row_tuples_store_the_same_as_observations(store: Store, backend: Backend) -> None:
    rows = [
        ("a", "2024-06-01", "", 1_500_000, None, None, 2, None),
        ("a", "2024-06-02", "web", -250_000, "promo", "labour", 3, None),
        ("b", "2024-06-01", "", 7_000_000, None, None, 4, None),
    ]
    store.ingest("p", [rows_batch("fast.csv", rows)])  # nothing stored yet: the direct insert
    with open_store(backend.new("other")) as other:
        observations = [observation_of(r) for r in rows]
        other.ingest(
            "p",
            [FileBatch("fast.csv", "x", "long", "c", 3, observations, [r[6] for r in rows])],
        )
        assert [s.observation for s in store.observations("p")] == [
            s.observation for s in other.observations("p")
        ]
    # against stored keys: compared one by one (one changed, one unchanged, one new)
    again = [
        ("a", "2024-06-01", "", 1_500_000, None, None, 2, None),
        ("a", "2024-06-02", "web", -200_000, "promo", "labour", 3, None),
        ("a", "2024-06-03", "", 1_000_000, None, None, 4, None),
    ]
    (outcome,) = store.ingest("p", [rows_batch("again.csv", again)]).files
    assert (outcome.new, outcome.changed, outcome.unchanged) == (1, 1, 1)


@pytest.mark.parametrize("stored_first", [False, True])
def test_a_key_twice_in_row_tuples_is_refused(store: Store, stored_first: bool) -> None:
    if stored_first:  # the comparing path
        store.ingest(
            "p", [rows_batch("first.csv", [("a", "2024-06-01", "", 1, None, None, 2, None)])]
        )
    digest = store.content_digest()
    twice = [  # the same value, a note on one only: sorting must not compare None with text
        ("a", "2024-06-01", "web", 1_000_000, None, None, 2, None),
        ("a", "2024-06-01", "web", 1_000_000, "promo", None, 5, None),
    ]
    with pytest.raises(StoreError, match="appears twice in one file") as info:
        store.ingest("p", [rows_batch("twice.csv", twice)])
    assert (info.value.file, info.value.line) == ("twice.csv", 5)
    assert store.content_digest() == digest


def test_a_row_tuple_too_large_to_store_is_refused(store: Store) -> None:
    huge = [("a", "2024-06-01", "", 2**63, None, None, 7, None)]
    with pytest.raises(StoreError, match="cannot be stored exactly") as info:
        store.ingest("p", [rows_batch("huge.csv", huge)])
    assert (info.value.file, info.value.line) == ("huge.csv", 7)
    assert store.observations("p") == []


def test_an_empty_plan_id_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="without a plan id"):
        store.ingest("", [batch([obs("a", 1, "1")])])


def test_an_exception_in_the_middle_of_writing_rolls_everything_back(
    store: Store, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.ingest("p", [batch([obs("a", d, "1") for d in range(1, 11)])])
    digest, runs = store.content_digest(), run_count(store)
    # the step that writes the corrections' rows in each backend
    module, step = (
        (upsert, "replace_changed")
        if backend.name == "sqlite"
        else (pg_store, "_copy_observations")
    )
    real = getattr(module, step)

    def crash_after_writing(conn: Any, *args: Any) -> None:
        real(conn, *args)  # rows are written, then the process "fails"
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(module, step, crash_after_writing)
    corrections = batch([obs("a", d, "2") for d in range(1, 11)] + [obs("z", 1, "1")])
    with pytest.raises(RuntimeError, match="disk pulled out"):
        store.ingest("p", [batch([obs("n", 1, "1")], name="first.csv"), corrections])
    assert store.content_digest() == digest
    assert run_count(store) == runs
    assert not in_transaction(store)
    monkeypatch.undo()
    (file,) = store.ingest("p", [corrections]).files  # the store is still usable
    assert (file.new, file.changed) == (1, 10)


class ExplodingSequence(Sequence[Observation]):
    """Observations whose iteration fails part-way, as a reader bug would."""

    def __init__(self, items: list[Observation], fail_at: int) -> None:
        self._items = items
        self._fail_at = fail_at

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        return self._items[index]

    def __iter__(self) -> Iterator[Observation]:
        for n, item in enumerate(self._items):
            if n == self._fail_at:
                raise ValueError("reader failed")
            yield item


def test_a_failing_batch_after_written_ones_rolls_them_back(store: Store) -> None:
    digest = store.content_digest()
    written = batch([obs("a", d, "1") for d in range(1, 31)], name="ok.csv")
    items = [obs("b", d, "1") for d in range(1, 31)]
    exploding = FileBatch("bad.csv", "s", "long", "c", 30, ExplodingSequence(items, 15), range(30))
    with pytest.raises(ValueError, match="reader failed"):
        store.ingest("p", [written, exploding])
    assert store.content_digest() == digest
    assert run_count(store) == 0


def test_a_held_lock_times_out_with_a_clear_error(backend: Backend) -> None:
    url = backend.new()
    open_store(url).close()
    with hold_write_lock(url), open_store(url, lock_timeout=0.3) as store:
        started = time.monotonic()
        with pytest.raises(StoreError, match="another ingest holds the store") as info:
            store.ingest("p", [batch([obs("a", 1, "1")])])
        assert time.monotonic() - started >= 0.25
        assert info.value.hint
        assert "wait" in info.value.hint
        assert info.value.exit_code == 4  # the input was not judged: retry later


def test_reads_do_not_wait_for_a_writer(backend: Backend) -> None:
    url = backend.new()
    with open_store(url) as store:
        store.ingest("p", [batch([obs("a", 1, "4")])])
    with hold_write_lock(url) as holder:
        holder.execute("UPDATE observation SET value = 0")
        with open_store(url, lock_timeout=0.1) as store:
            assert total(store, "a") == Decimal(4)  # readers see the last commit


def test_the_bundled_long_export_lands_exactly(store: Store) -> None:
    export = read_long_csv(PLANS / "q3-2023-growth.actuals.csv")
    (file,) = store.ingest("q3-2023-growth", [export]).files
    assert file.new == len(export.observations)
    stored = [s.observation for s in store.observations("q3-2023-growth")]
    key = lambda o: (o.kpi, o.date, o.channel)  # noqa: E731
    assert sorted(stored, key=key) == sorted(export.observations, key=key)
    memory = MemoryObservations(export.observations)
    requests = [
        AggRequest(kpi, dt.date(2023, 7, 1), dt.date(2023, 9, 30), how)
        for kpi in file.kpis
        for how in ("sum", "last", "max", "min", "mean")
    ]
    assert store.query("q3-2023-growth").aggregate(requests) == memory.aggregate(requests)
