"""Parquet exports: the same sources, rules and messages as CSV, from typed columns."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tests.conftest import run_cli
from tests.ingest.shapes import stored, write, write_plan


def write_parquet(tmp_path: Path, name: str, columns: dict[str, Any]) -> Path:
    path = tmp_path / name
    pq.write_table(pa.table(columns), path)
    return path


def test_a_wide_parquet_with_typed_columns_is_mapped_like_its_csv(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write_parquet(
        tmp_path,
        "qc.parquet",
        {
            "日期": pa.array([dt.date(2025, 10, 21)] * 3 + [dt.date(2025, 10, 22)]),
            "计划名称": ["计划A", "计划B", "合计", "计划A"],
            "消耗": pa.array(
                [Decimal("100.50"), Decimal("50"), Decimal("150.50"), Decimal("0.000001")],
                type=pa.decimal128(12, 6),
            ),
            "成交金额": pa.array([300.25, 200.0, 500.25, None]),
            "点击": pa.array([10, 5, 15, 2**60], type=pa.int64()),
        },
    )
    run = run_cli("ingest", plan, export, "--source", "qianchuan", "--store", store)
    assert run.code == 1, run.output
    # a value beyond what a float holds is read from its exact digits, and refused as such
    assert "qc.parquet:5 点击: '1152921504606846976'" in run.output
    assert "too large" in run.output
    run = run_cli(
        "ingest", plan, export, "--source", "qianchuan", "--store", store, "--skip-invalid"
    )
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-21", "计划A"): Decimal("100.5"),
        ("ads.spend", "2025-10-21", "计划B"): Decimal(50),
        ("ads.sales", "2025-10-21", "计划A"): Decimal("300.25"),
        ("ads.sales", "2025-10-21", "计划B"): Decimal(200),
        ("ads.clicks", "2025-10-21", "计划A"): Decimal(10),
        ("ads.clicks", "2025-10-21", "计划B"): Decimal(5),
        ("ads.spend", "2025-10-22", "计划A"): Decimal("0.000001"),
    }
    assert "skipped line 4: a totals row (计划名称: '合计')" in run.stdout
    rejects = (tmp_path / "qc.rejects.csv").read_text(encoding="utf-8")
    assert "5,点击,1152921504606846976" in rejects


def test_reingesting_a_parquet_file_skips_it_and_another_mapping_does_not(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write_parquet(
        tmp_path,
        "s.parquet",
        {"date": ["2025-10-01", "2025-10-02"], "spend": [1.5, 2.5], "sales": [10, 20]},
    )
    first = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert first.code == 0, first.output
    again = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert again.code == 0, again.output
    assert "already ingested" in again.stdout, again.output
    other = run_cli("ingest", plan, export, "--source", "spend_sales", "--store", store)
    assert other.code == 0, other.output
    assert "already ingested" not in other.stdout, other.output
    assert stored(store)[("ads.sales", "2025-10-02", "")] == Decimal(20)


def test_timestamps_with_a_zone_keep_the_day_they_were_in(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    late = dt.datetime(2025, 10, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    export = write_parquet(
        tmp_path,
        "t.parquet",
        {
            "date": pa.array([late], type=pa.timestamp("s", tz="America/Los_Angeles")),
            "spend": [7.0],
        },
    )
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {("ads.spend", "2025-10-01", ""): Decimal(7)}


def test_an_unlabelled_summary_row_in_parquet_is_skipped(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write_parquet(
        tmp_path,
        "meta.parquet",
        {
            "Reporting starts": ["2025-10-01", "2025-10-01", "2025-10-01"],
            "Ad name": [None, "Ad 1", "Ad 2"],
            "Amount spent (CNY)": [30.0, 10.0, 20.0],
            "Reach": [25, 10, 20],
            "Link clicks": [3, 1, 2],
        },
    )
    run = run_cli("ingest", plan, export, "--source", "meta", "--store", store)
    assert run.code == 0, run.output
    assert "a summary row" in run.stdout
    values = stored(store)
    assert values[("ads.spend", "2025-10-01", "Ad 1")] == Decimal(10)
    assert sum(v for (k, _, _), v in values.items() if k == "ads.spend") == Decimal(30)


def test_parquet_totals_and_summary_rows_in_unmapped_text_columns_are_skipped(
    tmp_path: Path,
) -> None:
    # the CSV a spreadsheet saves as Parquet keeps Google's "Total: Account" in the unmapped
    # first column, and Meta's summary row with its ad name (unmapped here) empty
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write_parquet(
        tmp_path,
        "google.parquet",
        {
            "Campaign status": ["Enabled", "Enabled", "Total: Account"],
            "Day": ["2025-10-01", "2025-10-02", "2025-10-02"],
            "Campaign": ["Brand", "Brand", None],
            "Cost": [1.0, 2.0, 10.0],
            "Clicks": [1, 2, 30],
        },
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 4: a totals row (Campaign status: 'Total: Account')" in run.stdout
    assert sum(v for (k, _, _), v in stored(store).items() if k == "ads.spend") == Decimal(3)
    store = tmp_path / "meta.sqlite"
    export = write_parquet(
        tmp_path,
        "meta.parquet",
        {
            "Reporting starts": ["2025-10-01"] * 3 + ["2025-10-02"],
            "Ad name": [None, "Ad 1", "Ad 2", "Ad 1"],
            "Ad id": [None, 11, 12, 11],  # numbers name nothing: the ad name does
            "Amount spent (CNY)": [3.0, 1.0, 2.0, 5.0],
            "Reach": [3, 1, 2, 5],
            "Link clicks": [3, 1, 2, 5],
        },
    )
    run = run_cli("ingest", plan, export, "--source", "meta_no_names", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 2: a summary row" in run.stdout
    spend = {d: v for (k, d, _), v in stored(store).items() if k == "ads.spend"}
    assert spend == {"2025-10-01": Decimal(3), "2025-10-02": Decimal(5)}


def test_a_rejected_parquet_row_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    good = write(tmp_path, "good.csv", "date,spend\n2025-10-01,5\n")
    assert run_cli("ingest", plan, good, "--source", "plain", "--store", store).code == 0
    before = stored(store)
    export = write_parquet(
        tmp_path, "bad.parquet", {"date": ["2025-10-02", "2019-01-01"], "spend": ["1", "x"]}
    )
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "bad.parquet:3 date: '2019-01-01': outside the plan period" in run.output
    assert "Traceback" not in run.output
    assert stored(store) == before
    log = run_cli("log", plan, "--store", store, "--format", "json")
    assert json.loads(log.stdout)["runs"][0]["files"][0]["name"].endswith("good.csv")


def test_a_damaged_or_unmappable_parquet_file_is_refused_with_a_message(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    broken = write(tmp_path, "broken.parquet", "PAR1 not really")
    run = run_cli("ingest", plan, broken, "--source", "plain", "--store", store)
    assert run.code == 1, run.output
    assert "not a readable Parquet file" in run.output, run.output
    assert "Traceback" not in run.output
    export = write_parquet(tmp_path, "cols.parquet", {"day": ["2025-10-01"], "Spend": [1.0]})
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "which the Parquet file lacks" in run.output
    assert "day, Spend" in run.output
    nested = write_parquet(
        tmp_path, "nested.parquet", {"date": ["2025-10-01"], "spend": [[1.0, 2.0]]}
    )
    run = run_cli("ingest", plan, nested, "--source", "plain", "--store", store)
    assert run.code == 1, run.output
    assert "holds list<" in run.output, run.output
    assert not store.exists() or stored(store) == {}
