"""Budget lines and ledgers: the observation key is (kpi, date, channel, line, ref). Rows that
differ in line or ref add up; the same key in a later file replaces it (a correction); every
aggregation sees one value per date × channel."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mktplan.observations import AggRequest, MemoryObservations
from mktplan.store import Store, open_store, schema
from tests.conftest import PLANS, Backend, run_cli
from tests.store.helpers import batch, obs, old_store

LAUNCH = PLANS / "2024-06-launch.yaml"
JUNE = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


def ingest(
    store: Path | str, *files: Path, plan: Path = LAUNCH, extra: tuple[str, ...] = ()
) -> str:
    ran = run_cli("ingest", plan, *files, "--store", store, *extra)
    assert ran.code == 0, ran.output
    return ran.stdout


def budget_lines(store: Path | str, plan: Path = LAUNCH) -> dict[str, Any]:
    ran = run_cli("report", plan, "--format", "json", "--as-of", "2024-06-10", "--store", store)
    assert ran.code in (0, 3), ran.output
    return {line["line"]: line["spent"] for line in json.loads(ran.stdout)["budget"]["lines"]}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_lines_on_one_day_stay_apart(tmp_path: Path, backend: Backend) -> None:
    export = write(
        tmp_path,
        "spend.csv",
        "date,kpi,value,line\n"
        "2024-06-05,online.spend,1000,promotion\n"
        "2024-06-05,online.spend,500,materials\n",
    )
    store = backend.new()
    assert "2 new" in ingest(store, export)
    lines = budget_lines(store)
    assert Decimal(str(lines["promotion"])) == 1000  # was 1,500: the rows were merged
    assert Decimal(str(lines["materials"])) == 500  # was 0
    with open_store(store) as opened:
        request = AggRequest("online.spend", *JUNE)
        assert opened.query("2024-06-launch").aggregate([request])[request].value == 1500


def test_a_ledger_adds_different_refs_and_a_later_file_corrects_the_same_ref(
    tmp_path: Path, backend: Backend
) -> None:
    head = "date,kpi,value,line,ref\n"
    first = write(tmp_path, "w1.csv", head + "2024-06-05,offline.spend,2600,promotion,INV-1\n")
    second = write(tmp_path, "w2.csv", head + "2024-06-05,offline.spend,800,promotion,INV-2\n")
    fixed = write(tmp_path, "w3.csv", head + "2024-06-05,offline.spend,2500,promotion,INV-1\n")
    store = backend.new()
    ingest(store, first)
    assert "1 new, 0 changed" in ingest(store, second)
    assert Decimal(str(budget_lines(store)["promotion"])) == 3400  # was 800: replaced
    assert "0 new, 1 changed" in ingest(store, fixed)
    assert Decimal(str(budget_lines(store)["promotion"])) == 3300
    with open_store(store) as opened:
        assert opened.history_count() == 1
        refs = {
            (o.observation.ref, o.observation.value) for o in opened.observations("2024-06-launch")
        }
        assert refs == {("INV-1", Decimal(2500)), ("INV-2", Decimal(800))}


def test_without_a_ref_a_later_file_replaces_as_before(tmp_path: Path) -> None:
    head = "date,kpi,value,line\n"
    first = write(tmp_path, "a.csv", head + "2024-06-05,offline.spend,2600,promotion\n")
    second = write(tmp_path, "b.csv", head + "2024-06-05,offline.spend,800,promotion\n")
    store = tmp_path / "store.sqlite"
    ingest(store, first)
    assert "0 new, 1 changed" in ingest(store, second)
    assert Decimal(str(budget_lines(store)["promotion"])) == 800


def test_rows_of_one_ref_in_one_file_are_combined(tmp_path: Path) -> None:
    export = write(
        tmp_path,
        "ledger.csv",
        "date,kpi,value,line,ref\n"
        "2024-06-05,offline.spend,100,promotion,INV-1\n"
        "2024-06-05,offline.spend,50,promotion,INV-1\n"
        "2024-06-05,offline.spend,30,promotion,INV-2\n",
    )
    store = tmp_path / "store.sqlite"
    assert "2 new" in ingest(store, export)
    assert Decimal(str(budget_lines(store)["promotion"])) == 180


def test_a_source_names_its_ref_and_line_columns(tmp_path: Path) -> None:
    text = LAUNCH.read_text(encoding="utf-8")
    source = (
        "sources:\n"
        "  ledger:\n"
        "    date: 日期\n"
        "    module: offline\n"
        "    columns: {金额: spend}\n"
        "    line: 费用类别\n"
        "    ref: 发票号\n"
    )
    plan = write(tmp_path, "launch.yaml", text.replace("sources:\n", source, 1))
    export = write(
        tmp_path,
        "ledger.csv",
        "日期,金额,费用类别,发票号\n"
        "2024-06-05,2600,promotion,FP-001\n"
        "2024-06-05,800,promotion,FP-002\n"
        "2024-06-05,300,labour,FP-003\n",
    )
    store = tmp_path / "store.sqlite"
    assert "3 new" in ingest(store, export, plan=plan, extra=("--source", "ledger"))
    lines = budget_lines(store, plan)
    assert Decimal(str(lines["promotion"])) == 3400
    assert Decimal(str(lines["labour"])) == 300


@pytest.mark.parametrize("how", ["sum", "max", "min", "mean", "last"])
def test_lines_and_refs_are_summed_before_any_aggregation(tmp_path: Path, how: str) -> None:
    rows = [
        obs("k", 1, "1000", "web", line="creative"),
        obs("k", 1, "500", "web", line="retail_display"),  # web on day 1: 1,500
        obs("k", 1, "200", "app"),
        replace(obs("k", 2, "1200", "web", line="creative"), ref="INV-1"),
        replace(obs("k", 2, "100", "web", line="creative"), ref="INV-2"),  # web on day 2: 1,300
    ]
    with Store.open(tmp_path / "s.sqlite") as store:
        store.ingest("p", [batch(rows)])
        request = AggRequest("k", *JUNE, how=how)  # type: ignore[arg-type]
        stored = store.query("p").aggregate([request])[request]
    reference = MemoryObservations(rows).aggregate([request])[request]
    assert stored == reference
    expected = {"sum": 3000, "max": 1500, "min": 200, "mean": 1000, "last": 1300}[how]
    assert stored.value == expected
    assert stored.count == 3  # (day 1, web), (day 1, app), (day 2, web)


def test_a_weighted_mean_weighs_each_date_and_channel_once(tmp_path: Path) -> None:
    rate = [obs("rate", 1, "2", "web"), obs("rate", 1, "4", "app")]
    weight = [
        obs("w", 1, "10", "web", line="a"),
        obs("w", 1, "20", "web", line="b"),  # web weighs 30
        obs("w", 1, "10", "app"),
    ]
    with Store.open(tmp_path / "s.sqlite") as store:
        store.ingest("p", [batch(rate + weight)])
        request = AggRequest("rate", *JUNE, how="mean", weight="w")
        stored = store.query("p").aggregate([request])[request]
    assert stored.value == Decimal(2 * 30 + 4 * 10) / 40
    assert stored == MemoryObservations(rate + weight).aggregate([request])[request]


def test_upgrading_a_store_of_the_previous_schema_keeps_its_data_and_rollup(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    old_store(
        path,
        3,
        [
            ("online.spend", "2024-06-05", "", 1_000_000_000, "creative"),
            ("online.spend", "2024-06-06", "web", 250_500_000, None),
            ("online.spend", "2024-06-06", "app", 100_000_000, None),
        ],
    )
    with Store.open(path) as store:
        assert store.schema_version() == schema.latest_version()
        assert [(o.observation.line, o.observation.ref) for o in store.observations("p")] == [
            ("creative", None),
            (None, None),
            (None, None),
        ]
        assert [r.files[0].name for r in store.runs("p")] == ["old.csv"]
        # a second line on a day that already had one stays apart
        store.ingest("p", [batch([obs("online.spend", 5, "500", line="retail_display")])])
        query = store.query("p")
        assert query.sums_by_line(["online.spend"], *JUNE) == {
            "creative": Decimal(1000),
            "retail_display": Decimal(500),
            "": Decimal("350.5"),
        }
        day = store.connection.execute(
            "SELECT date, n, whole, rest, low, high FROM observation_day ORDER BY date"
        ).fetchall()
    assert day == [
        ("2024-06-05", 1, 1500, 0, 1_500_000_000, 1_500_000_000),
        ("2024-06-06", 2, 350, 500_000, 100_000_000, 250_500_000),
    ]


def test_lines_adding_up_beyond_64_bits_are_refused_clearly(tmp_path: Path) -> None:
    # each value is below ingest's limit (10^12); ten invoices of one day and channel pass
    # 9,223,372,036,854 together
    rows = "".join(f"2024-06-05,online.spend,999999999999,INV-{i}\n" for i in range(10))
    export = write(tmp_path, "big.csv", "date,kpi,value,ref\n" + rows)
    store = tmp_path / "store.sqlite"
    ran = run_cli("ingest", LAUNCH, export, "--store", store)
    assert ran.code == 1, ran.output
    assert "Traceback" not in ran.output
    assert "add up beyond what the store" in ran.stderr
    assert "disk" not in ran.stderr
    with Store.open(store) as opened:
        assert opened.observations("2024-06-launch") == []


def test_sums_by_line_read_named_lines_from_rows_and_the_rest_from_the_rollup(
    backend: Backend,
) -> None:
    # the rows without a line are the rollup's total less the named lines; a KPI whose rows
    # all name a line has no '' entry, and rows without one that add up to 0 still have it
    data = [
        obs("mixed", 3, "100.25", "web", line="creative"),
        obs("mixed", 3, "40", "web"),
        obs("mixed", 4, "7.5", "app"),
        obs("mixed", 9, "-2.125", "app", line="promotion"),
        obs("mixed", 20, "999", "web"),  # outside the window
        obs("named", 3, "10", "web", line="creative"),
        obs("named", 5, "5", "", line="labour"),
        obs("zero", 4, "3", "web"),
        obs("zero", 5, "-3", "web"),
        obs("plain", 6, "1.000001", "web"),
    ]
    window = (dt.date(2024, 6, 1), dt.date(2024, 6, 10))
    memory = MemoryObservations(data)
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(data)])
        query = store.query("p")
        for kpis in (["mixed"], ["named"], ["zero"], ["plain"], ["mixed", "named", "mixed"]):
            assert query.sums_by_line(kpis, *window) == memory.sums_by_line(kpis, *window), kpis
        assert query.sums_by_line(["mixed"], *window) == {
            "creative": Decimal("100.25"),
            "promotion": Decimal("-2.125"),
            "": Decimal("47.5"),
        }
        assert query.sums_by_line(["named"], *window) == {
            "creative": Decimal(10),
            "labour": Decimal(5),
        }
        assert query.sums_by_line(["zero"], *window) == {"": Decimal(0)}
