"""What main's SQLite store learned, on both backends (the ``backend`` fixture): a value is
replaced only by the source that stored it, the lines a file skipped stay with its ingest,
and refused or skipped rows stay open until the source's next accepted ingest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from mktplan.errors import StoreError
from mktplan.observations import AggRequest
from mktplan.store import ObservationStore, open_store
from mktplan.store.records import InputProblem, SkippedRows
from tests.conftest import Backend
from tests.store.helpers import batch, obs

JUNE = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


@pytest.fixture
def store(backend: Backend) -> Iterator[ObservationStore]:
    with open_store(backend.new()) as opened:
        yield opened


def value(store: ObservationStore, kpi: str, day: int) -> Decimal | None:
    request = AggRequest(kpi, dt.date(2024, 6, day), dt.date(2024, 6, day))
    return store.query("p").aggregate([request])[request].value


def test_another_source_replaces_nothing_unless_forced(store: ObservationStore) -> None:
    store.ingest("p", [batch([obs("a", 1, "1"), obs("a", 2, "2")], source="tmall", name="t.csv")])
    digest, runs = store.content_digest(), len(store.runs())
    clash = batch([obs("a", 1, "5"), obs("a", 2, "6"), obs("a", 3, "1")], source="jd", name="j.csv")
    for dry_run in (True, False):
        with pytest.raises(StoreError) as info:
            store.ingest("p", [clash], dry_run=dry_run)
        assert info.value.message == (
            "source 'jd' would replace 2 values stored by source 'tmall' "
            "(a on 2024-06-01, a on 2024-06-02); nothing was stored"
        )
        assert info.value.file == "j.csv"
        assert "--force" in (info.value.hint or "")
    assert (store.content_digest(), len(store.runs())) == (digest, runs)
    # the same source restates its own value; another channel sits beside it
    (restated,) = store.ingest(
        "p", [batch([obs("a", 1, "7")], source="tmall", name="t2.csv")]
    ).files
    assert (restated.new, restated.changed) == (0, 1)
    (beside,) = store.ingest(
        "p", [batch([obs("a", 1, "3", "jd")], source="jd", name="j2.csv")]
    ).files
    assert (beside.new, beside.changed) == (1, 0)
    assert value(store, "a", 1) == Decimal(10)
    (forced,) = store.ingest("p", [clash], force=True).files
    assert (forced.new, forced.changed) == (1, 2)
    assert value(store, "a", 1) == Decimal(8)  # jd's 5 in no channel, jd's 3 in channel jd


def test_the_lines_a_file_skipped_stay_with_its_ingest(store: ObservationStore) -> None:
    skipped = (SkippedRows(1, 2, "title lines above the header"), SkippedRows(9, 9, "totals row"))
    export = replace(batch([obs("a", 1, "1")], name="w.csv"), skipped=skipped)
    assert store.ingest("p", [export], dry_run=True).files[0].skipped == skipped
    assert store.runs("p") == []
    (outcome,) = store.ingest("p", [export]).files
    assert outcome.skipped == skipped
    store.ingest("p", [batch([obs("a", 2, "1")], name="plain.csv")])
    assert [run.files[0].skipped for run in store.runs("p")] == [(), skipped]


def test_refused_and_skipped_rows_stay_open_until_the_next_accepted_ingest(
    store: ObservationStore,
) -> None:
    store.ingest("p", [batch([obs("a", 1, "1")], source="web", name="w1.csv")])
    before = dt.datetime.now(dt.UTC)
    store.record_problems("p", [InputProblem("w2.csv", "web", "refused", "rejected_row", 1)])
    store.record_problems(
        "p",
        [
            InputProblem("w3.csv", "web", "refused", "rejected_row", 2),
            InputProblem("ledger.csv", "long", "skipped", "invalid", 4),
        ],
    )
    store.record_problems("q", [InputProblem("x.csv", "web", "refused", "invalid", 9)])
    store.record_problems("p", [])  # nothing to log is no transaction
    found = store.open_problems("p")
    assert [(p.source, p.kind, p.rows) for p in found] == [
        ("ledger.csv", "skipped", 4),  # a long-format file is named by itself
        ("web", "refused", 3),
    ]
    assert all(before <= p.since <= dt.datetime.now(dt.UTC) for p in found)
    assert found[1].since.tzinfo is not None
    # web's next accepted ingest closes its refusals; the ledger's stay open
    store.ingest("p", [batch([obs("a", 2, "1")], source="web", name="w4.csv")])
    assert [(p.source, p.kind) for p in store.open_problems("p")] == [("ledger.csv", "skipped")]
    # another long-format file does not close the ledger's problem
    store.ingest("p", [batch([obs("b", 2, "1")], name="other.csv")])
    assert [p.source for p in store.open_problems("p")] == ["ledger.csv"]
    assert [(p.source, p.rows) for p in store.open_problems("q")] == [("web", 9)]
