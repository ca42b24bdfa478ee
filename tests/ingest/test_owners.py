"""`fixed:` values on a source, and which source may replace a stored value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from mktplan.store import Store
from tests.conftest import Backend, run_cli
from tests.ingest.shapes import PLAN, stored, write, write_plan

SHOPS = PLAN + (
    "  tmall:\n    date: 日期\n    module: ads\n    columns: {成交金额: sales, 花费: spend}\n"
    "    fixed: {channel: 天猫, line: 推广费}\n"
    "  jd:\n    date: 日期\n    module: ads\n    columns: {成交金额: sales, 花费: spend}\n"
    "    fixed: {channel: 京东}\n"
    "  tmall_bare:\n    date: 日期\n    module: ads\n    columns: {成交金额: sales}\n"
    "  jd_bare:\n    date: 日期\n    module: ads\n    columns: {成交金额: sales}\n"
)
DAYS = "日期,成交金额,花费\n2025-10-01,100,10\n2025-10-02,200,20\n"
JD_DAYS = "日期,成交金额,花费\n2025-10-01,300,30\n2025-10-02,400,40\n"


def test_fixed_channels_keep_two_shops_side_by_side(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, SHOPS), tmp_path / "s.sqlite"
    tmall, jd = write(tmp_path, "tmall.csv", DAYS), write(tmp_path, "jd.csv", JD_DAYS)
    assert run_cli("ingest", plan, tmall, "-s", "tmall", "--store", store).code == 0
    run = run_cli("ingest", plan, jd, "-s", "jd", "--store", store)
    assert run.code == 0, run.output
    assert "4 new, 0 changed" in run.stdout
    values = stored(store)
    assert values[("ads.sales", "2025-10-01", "天猫")] == Decimal(100)
    assert values[("ads.sales", "2025-10-01", "京东")] == Decimal(300)
    with Store.open(store) as opened:
        lines = {(s.observation.channel, s.observation.line) for s in opened.observations("shapes")}
    assert lines == {("天猫", "推广费"), ("京东", None)}


def test_another_source_writing_the_same_key_is_refused_naming_both(
    tmp_path: Path, backend: Backend
) -> None:
    plan, store = write_plan(tmp_path, SHOPS), backend.new()
    tmall, jd = write(tmp_path, "tmall.csv", DAYS), write(tmp_path, "jd.csv", JD_DAYS)
    assert run_cli("ingest", plan, tmall, "-s", "tmall_bare", "--store", store).code == 0
    before = stored(store)
    run = run_cli("ingest", plan, jd, "-s", "jd_bare", "--store", store)
    assert run.code == 1
    assert "source 'jd_bare' would replace 2 values stored by source 'tmall_bare'" in run.stderr
    assert "ads.sales on 2025-10-01, ads.sales on 2025-10-02" in run.stderr
    assert "fixed: {channel: ...}" in run.stderr
    assert "--force" in run.stderr
    assert stored(store) == before
    forced = run_cli("ingest", plan, jd, "-s", "jd_bare", "--store", store, "--force")
    assert forced.code == 0, forced.output
    assert stored(store)[("ads.sales", "2025-10-01", "")] == Decimal(300)


def test_a_long_format_file_clashing_with_a_source_is_told_to_add_a_channel_column(
    tmp_path: Path,
) -> None:
    # a long-format file has no `sources:` entry to give a fixed channel: the hint says what
    # it can do, in the language setting
    plan, store = write_plan(tmp_path, SHOPS), tmp_path / "s.sqlite"
    assert (
        run_cli(
            "ingest", plan, write(tmp_path, "t.csv", DAYS), "-s", "tmall_bare", "--store", store
        ).code
        == 0
    )
    long = write(tmp_path, "l.csv", "date,kpi,value\n2025-10-01,ads.sales,5\n")
    run = run_cli("ingest", plan, long, "--store", store)
    assert run.code == 1
    assert (
        "source 'long' would replace 1 value stored by source 'tmall_bare' "
        "(ads.sales on 2025-10-01); nothing was stored" in run.stderr
    )
    assert "give the long-format file a channel column (date,kpi,value,channel)" in run.stderr
    assert "sources: {long" not in run.stderr
    zh = run_cli("ingest", plan, long, "--store", store, "--lang", "zh")
    assert (
        "数据来源 'long' 将替换数据来源 'tmall_bare' 已存入的 1 个值（ads.sales 2025-10-01）"
        in zh.stderr
    )
    assert "请给长表格式文件加一列渠道" in zh.stderr


def test_the_same_source_restates_its_own_values(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, SHOPS), tmp_path / "s.sqlite"
    first = write(tmp_path, "a.csv", DAYS)
    restated = write(tmp_path, "b.csv", DAYS.replace("100,10", "150,10"))
    assert run_cli("ingest", plan, first, "-s", "tmall", "--store", store).code == 0
    run = run_cli("ingest", plan, restated, "-s", "tmall", "--store", store)
    assert run.code == 0, run.output
    assert "0 new, 1 changed" in run.stdout
    assert stored(store)[("ads.sales", "2025-10-01", "天猫")] == Decimal(150)


def test_a_fixed_channel_beside_a_channel_column_makes_the_plan_invalid(tmp_path: Path) -> None:
    plan_text = SHOPS.replace(
        "    fixed: {channel: 京东}\n", "    fixed: {channel: 京东}\n    channel: 店铺\n"
    )
    plan = write_plan(tmp_path, plan_text)
    export = write(tmp_path, "jd.csv", "日期,店铺,成交金额,花费\n2025-10-01,a,1,1\n")
    run = run_cli("ingest", plan, export, "-s", "jd", "--store", tmp_path / "s.sqlite")
    assert run.code == 1  # validate's rule (plan/sources.py): the plan is refused as it loads
    assert "gives both a channel column ('店铺') and a fixed channel" in run.stderr


def test_sources_on_other_budget_lines_sit_side_by_side_and_the_same_line_is_owned(
    tmp_path: Path,
) -> None:
    # the budget line is part of the observation key: another line is another value, the same
    # line of another source is a clash
    lines = PLAN + (
        "  fees:\n    date: 日期\n    module: ads\n    columns: {花费: spend}\n"
        "    fixed: {line: 推广费}\n"
        "  rebates:\n    date: 日期\n    module: ads\n    columns: {花费: spend}\n"
        "    fixed: {line: 返利}\n"
        "  fees_too:\n    date: 日期\n    module: ads\n    columns: {花费: spend}\n"
        "    fixed: {line: 推广费}\n"
    )
    plan, store = write_plan(tmp_path, lines), tmp_path / "s.sqlite"
    fees = write(tmp_path, "fees.csv", "日期,花费\n2025-10-01,10\n")
    rebates = write(tmp_path, "rebates.csv", "日期,花费\n2025-10-01,-3\n")
    assert run_cli("ingest", plan, fees, "-s", "fees", "--store", store).code == 0
    run = run_cli("ingest", plan, rebates, "-s", "rebates", "--store", store)
    assert run.code == 0, run.output
    assert "1 new, 0 changed" in run.stdout
    with Store.open(store) as opened:
        found = {(s.observation.line, s.observation.value) for s in opened.observations("shapes")}
    assert found == {("推广费", Decimal(10)), ("返利", Decimal(-3))}
    other = write(tmp_path, "other.csv", "日期,花费\n2025-10-01,12\n")
    clash = run_cli("ingest", plan, other, "-s", "fees_too", "--store", store)
    assert clash.code == 1
    assert "source 'fees_too' would replace 1 value stored by source 'fees'" in clash.stderr
    restated = run_cli("ingest", plan, other, "-s", "fees", "--store", store)
    assert restated.code == 0, restated.output
    assert "0 new, 1 changed" in restated.stdout


def test_a_refused_first_ingest_leaves_no_store_behind(tmp_path: Path) -> None:
    # the clash is between two files of one call, found in the store's transaction: the
    # store (and the folders made for it) that the call created goes again
    plan = write_plan(tmp_path, SHOPS)
    tmall = write(tmp_path, "t.csv", DAYS)
    long = write(tmp_path, "l.csv", "date,kpi,value\n2025-10-01,ads.sales,5\n")
    store = tmp_path / "new" / "folder" / "s.sqlite"
    run = run_cli("ingest", plan, tmall, long, "-s", "tmall_bare", "--store", store)
    assert run.code == 1, run.output
    assert "nothing was stored" in run.stderr
    assert not (tmp_path / "new").exists()
    # a store that was there stays, as it was
    assert run_cli("ingest", plan, tmall, "-s", "tmall_bare", "--store", store).code == 0
    before = stored(store)
    run = run_cli("ingest", plan, long, "--store", store)
    assert run.code == 1, run.output
    assert stored(store) == before


EARLIER = "file,line,column,value,reason\nweek.csv,3,成交金额,y,an earlier run's reject\n"


def test_a_store_that_cannot_be_used_judges_nothing_and_writes_no_rejects_file(
    tmp_path: Path,
) -> None:
    import sqlite3

    plan, store = write_plan(tmp_path, SHOPS), tmp_path / "s.sqlite"
    assert run_cli("ingest", plan, write(tmp_path, "a.csv", DAYS), "-s", "tmall_bare",
                   "--store", store).code == 0  # fmt: skip
    week = write(tmp_path, "week.csv", "日期,成交金额\n2025-10-03,7\n2025-10-04,x\n")
    earlier = tmp_path / "week.rejects.csv"
    earlier.write_text(EARLIER, encoding="utf-8")
    holder = sqlite3.connect(store)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another ingest holds the store
        run = run_cli("ingest", plan, week, "-s", "jd_bare", "--store", store,
                      "--skip-invalid", "--lock-timeout", "0.2")  # fmt: skip
    finally:
        holder.close()
    assert run.code == 4, run.output
    assert earlier.read_text(encoding="utf-8") == EARLIER
    run = run_cli("ingest", plan, week, "-s", "jd_bare", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    assert "week.csv,3,成交金额,x," in earlier.read_text(encoding="utf-8-sig")
