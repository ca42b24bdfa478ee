"""One report reads one state of the store (issue 14, item 7): an ingest that commits while
a report is being computed shows in none of its figures, then in all of the next report's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from mktplan.evaluation import Evaluation
from mktplan.metrics import evaluate
from mktplan.observations import AggRequest, AggResult, Note, ObservationQuery, Span
from mktplan.plan.cache import load_plan
from mktplan.store import Store
from tests.conftest import PLANS, run_cli

PLAN = PLANS / "q3-2023-growth.yaml"
AS_OF = dt.date(2023, 7, 31)


class IngestAfterFirstQuery:
    """The store's own answers, with another process committing an ingest right after the
    first one (the batched aggregation) and before the budget lines and notes are read."""

    def __init__(self, inner: ObservationQuery, ingest: Callable[[], None]) -> None:
        self.inner = inner
        self.ingest: Callable[[], None] | None = ingest

    def _between(self) -> None:
        if self.ingest is not None:
            self.ingest()
            self.ingest = None

    def aggregate(self, requests: Sequence[AggRequest]) -> dict[AggRequest, AggResult]:
        answer = self.inner.aggregate(requests)
        self._between()
        return answer

    def latest_dates(self) -> dict[str, dt.date]:
        self._between()
        return self.inner.latest_dates()

    def sums_by_line(self, kpis: Sequence[str], start: dt.date, end: dt.date) -> dict[str, Decimal]:
        self._between()
        return self.inner.sums_by_line(kpis, start, end)

    def daily_totals(
        self, kpis: Sequence[str], start: dt.date, end: dt.date
    ) -> list[tuple[str, dt.date, Decimal]]:
        self._between()
        return self.inner.daily_totals(kpis, start, end)

    def channel_sums(self, spans: Sequence[Span]) -> dict[Span, dict[str, Decimal]]:
        self._between()
        return self.inner.channel_sums(spans)

    def window_sums(
        self, kpis: Sequence[str], windows: Sequence[tuple[dt.date, dt.date]]
    ) -> list[Decimal | None]:
        self._between()
        return self.inner.window_sums(kpis, windows)

    def notes(self, start: dt.date, end: dt.date) -> list[Note]:
        self._between()
        return self.inner.notes(start, end)


def test_a_report_sees_one_state_while_an_ingest_commits(tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite"
    first = run_cli("ingest", PLAN, PLANS / "q3-2023-growth.actuals.csv", "--store", store_path)
    assert first.code == 0, first.output
    late = tmp_path / "late.csv"
    late.write_text(
        "date,kpi,value,channel,note,line\n"
        "2023-07-30,online.spend,1000.50,invoice,late invoice,promotion\n"
        "2023-07-30,online.sales,2000,invoice,,\n",
        encoding="utf-8",
    )

    def ingest() -> None:
        result = run_cli("ingest", PLAN, late, "--store", store_path, "-q")
        assert result.code == 0, result.output

    plan = load_plan(PLAN)
    with Store.open(store_path) as store:
        with store.query(plan.plan.id) as observations:
            before = evaluate(plan, observations, AS_OF, include_daily=True)
        with store.query(plan.plan.id) as observations:
            during = evaluate(
                plan, IngestAfterFirstQuery(observations, ingest), AS_OF, include_daily=True
            )
        with store.query(plan.plan.id) as observations:
            after = evaluate(plan, observations, AS_OF, include_daily=True)

    assert during == before  # budget lines, notes and daily values from before the ingest
    spent = {m.id: m.spend for m in after.modules}
    assert spent["online"] == {m.id: m.spend for m in before.modules}["online"] + Decimal("1000.50")
    assert _line(after, "promotion") == _line(before, "promotion") + Decimal("1000.50")
    assert any("late invoice" in row.cause for row in after.tracking)


def _line(ev: Evaluation, name: str) -> Decimal:
    return next(line.spent for line in ev.budget.lines if line.line == name)
