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
from mktplan.store.bi import KpiDefinition, PlanDefinition
from mktplan.store.records import InputProblem, SkippedRows
from tests.conftest import Backend
from tests.store.helpers import batch, obs
from tests.store.test_channel_rollup import totals_agree

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


def test_a_rate_under_another_line_than_stored_is_refused(store: ObservationStore) -> None:
    # CTR 2 % on line search, then 3 % on line display for the same day and channel: the
    # store would add them up to 5 %; a file of the same line corrects, a count adds up
    rates = frozenset({"ctr"})
    first = [obs("ctr", 1, "2", "web", line="search"), obs("clicks", 1, "5", "web", line="search")]
    store.ingest("p", [batch(first, name="a.csv", rates=rates)])
    digest = store.content_digest()
    other = [
        obs("clicks", 1, "7", "web", line="display"),
        obs("ctr", 1, "3", "web", line="display"),
    ]
    for dry_run in (True, False):
        with pytest.raises(StoreError) as info:
            store.ingest("p", [batch(other, name="b.csv", rates=rates)], dry_run=dry_run)
        assert info.value.message == (
            "'ctr' is a rate, and this file gives it on 2024-06-01 in channel web under budget "
            "line 'display', while the store holds it for that day and channel under budget "
            "line 'search' (from a.csv): the two would be added up (2 % + 3 % is no rate of the "
            "two); nothing was stored"
        )
        assert (info.value.file, info.value.line, info.value.path) == ("b.csv", 3, "ctr")
        assert "`channel:`" in (info.value.hint or "")
    assert store.content_digest() == digest
    corrected = [obs("ctr", 1, "4", "web", line="search"), obs("ctr", 1, "3", "app", line="x")]
    (outcome,) = store.ingest("p", [batch(corrected, name="c.csv", rates=rates)]).files
    assert (outcome.new, outcome.changed) == (1, 1)
    (counts,) = store.ingest("p", [batch(other[:1], name="d.csv", rates=rates)]).files
    assert counts.new == 1
    assert (value(store, "ctr", 1), value(store, "clicks", 1)) == (Decimal(7), Decimal(12))
    # a ref is split alike, and a KPI that is no rate is not judged
    refs = batch([replace(obs("ctr", 1, "1", "app"), ref="INV-2")], name="e.csv", rates=rates)
    with pytest.raises(StoreError, match="under ref 'INV-2'"):
        store.ingest("p", [refs])
    store.ingest("p", [batch([obs("ctr", 1, "1", "app", line="y")], name="f.csv")])


def test_force_moves_a_rate_to_another_line(store: ObservationStore) -> None:
    # a rate stored without a line, then restated under one (a source given `fixed: {line:
    # …}`): refused, and with --force the old values are replaced, kept in the history
    rates = frozenset({"ctr"})
    old = [obs("ctr", 1, "2", "web"), obs("ctr", 1, "9", "web", line="events"), obs("ctr", 2, "4")]
    store.ingest("p", [batch(old, name="a.csv", rates=rates)])
    moved = batch([obs("ctr", 1, "3", "web", line="search")], name="b.csv", rates=rates)
    with pytest.raises(StoreError, match="under no budget line or ref"):
        store.ingest("p", [moved])
    history = store.history_count()
    (outcome,) = store.ingest("p", [moved], force=True).files
    assert (outcome.new, outcome.changed) == (1, 2)
    assert (value(store, "ctr", 1), value(store, "ctr", 2)) == (Decimal(3), Decimal(4))
    assert store.history_count() == history + 2
    assert totals_agree(store)


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
    first = store.open_problems("p")
    # w2.csv refused again unchanged (dropped into cron's inbox once more): its rows count
    # once; another w3.csv (a vendor's weekly file of one name) counts beside the first
    store.record_problems("p", [InputProblem("w2.csv", "web", "refused", "rejected_row", 1)])
    store.record_problems(
        "p", [InputProblem("w3.csv", "web", "refused", "rejected_row", 4, sha256="b" * 64)]
    )
    found = store.open_problems("p")
    assert [(p.source, p.kind, p.rows) for p in found] == [
        ("ledger.csv", "skipped", 4),  # a long-format file is named by itself
        ("web", "refused", 7),
    ]
    assert [p.since for p in found] == [p.since for p in first]
    assert all(before <= p.since <= dt.datetime.now(dt.UTC) for p in found)
    assert found[1].since.tzinfo is not None
    # web's next accepted ingest closes its refusals; the ledger's stay open
    store.ingest("p", [batch([obs("a", 2, "1")], source="web", name="w4.csv")])
    assert [(p.source, p.kind) for p in store.open_problems("p")] == [("ledger.csv", "skipped")]
    # another long-format file does not close the ledger's problem
    store.ingest("p", [batch([obs("b", 2, "1")], name="other.csv")])
    assert [p.source for p in store.open_problems("p")] == ["ledger.csv"]
    assert [(p.source, p.rows) for p in store.open_problems("q")] == [("web", 9)]


def _definition(name: str) -> PlanDefinition:
    kpi = KpiDefinition(
        "web.a", "web", "Web", "王芳", name, None, "sum", "higher", None, None, Decimal(10), None
    )
    return PlanDefinition("p", "Plan", "王芳", "CNY", *JUNE, (kpi,))


def _logged(store: ObservationStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The input-problem log and the KPI definitions as the store holds them."""
    cur = store.connection.cursor()  # type: ignore[attr-defined]
    problems = cur.execute("SELECT file, kind, rows FROM input_problem ORDER BY file").fetchall()
    kpis = cur.execute("SELECT kpi, name FROM kpi_definition ORDER BY kpi").fetchall()
    return [tuple(r) for r in problems], [tuple(r) for r in kpis]


def test_an_ingest_logs_its_skipped_rows_and_the_plan_in_its_own_transaction(
    store: ObservationStore,
) -> None:
    """The skipped rows' log and the KPI definitions are written with the values, stamped
    with the run's end (so they are open after it), or not at all: a dry run and a refused
    ingest leave neither."""
    skipped = [InputProblem("w1.csv", "web", "skipped", "invalid", 2)]
    store.ingest(
        "p",
        [batch([obs("a", 1, "1")], source="web", name="w1.csv")],
        dry_run=True,
        skipped=skipped,
        definition=_definition("Visits"),
    )
    assert _logged(store) == ([], [])
    clash = batch([obs("a", 1, "1"), obs("a", 1, "2")], source="web", name="twice.csv")
    with pytest.raises(StoreError):  # one key twice in a file: nothing is stored
        store.ingest("p", [clash], skipped=skipped, definition=_definition("Visits"))
    assert _logged(store) == ([], [])
    store.ingest(
        "p",
        [batch([obs("a", 1, "1")], source="web", name="w1.csv")],
        skipped=skipped,
        definition=_definition("Visits"),
    )
    assert _logged(store) == ([("w1.csv", "skipped", 2)], [("web.a", "Visits")])
    (problem,) = store.open_problems("p")  # logged at the run's end: open after it
    assert (problem.source, problem.kind, problem.rows) == ("web", "skipped", 2)
    cur = store.connection.cursor()  # type: ignore[attr-defined]
    (finished,) = cur.execute("SELECT max(finished_at) FROM ingest_run").fetchone()
    if isinstance(finished, str):  # SQLite keeps ISO text
        finished = dt.datetime.fromisoformat(finished)
    assert problem.since == finished
    # the next accepted ingest of the source closes it, and a renamed KPI replaces its name
    store.ingest(
        "p",
        [batch([obs("a", 2, "1")], source="web", name="w2.csv")],
        definition=_definition("Site visits"),
    )
    assert store.open_problems("p") == []
    assert _logged(store)[1] == [("web.a", "Site visits")]
