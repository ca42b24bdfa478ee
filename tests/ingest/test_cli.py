"""`mktplan ingest` and `mktplan log` through the real entry point, with tmp_path stores."""

from __future__ import annotations

import csv
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.store import Store
from tests.conftest import PLANS, Run, run_cli
from tests.ingest.helpers import write, write_plan

DAILY = PLANS / "2024-06-launch.daily.gbk.csv"
FINANCE = PLANS / "2024-06-launch.finance.csv"
ACTUALS = PLANS / "q3-2023-growth.actuals.csv"


def stored(store: Path, plan_id: str) -> dict[tuple[str, str, str], Decimal]:
    with Store.open(store) as opened:
        return {
            (s.observation.kpi, s.observation.date.isoformat(), s.observation.channel): (
                s.observation.value
            )
            for s in opened.observations(plan_id)
        }


def digest(store: Path) -> str:
    with Store.open(store) as opened:
        return opened.content_digest()


def test_examples_land_exactly(tmp_path: Path, launch_plan: Path, q3_plan: Path) -> None:
    store = tmp_path / "s.sqlite"
    run = run_cli(
        "ingest", launch_plan, DAILY, FINANCE, "--source", "daily_report", "--store", store
    )
    assert run.code == 0, run.output
    assert "22 rows read; 88 new, 0 changed, 0 unchanged; 2024-06-05 … 2024-06-15" in run.stdout
    assert "34 rows read; 34 new" in run.stdout
    values = stored(store, "2024-06-launch")
    assert values[("online.sales", "2024-06-05", "")] == Decimal(69155)
    assert values[("offline.sales", "2024-06-06", "")] == Decimal(32015)
    assert values[("online.ctr", "2024-06-05", "")] == Decimal("2.2")
    assert values[("online.spend", "2024-06-05", "")] == Decimal("10799.26")
    assert ("offline.impressions", "2024-06-05", "") not in values
    assert not any(k[0] == "offline.ctr" for k in values)

    run = run_cli("ingest", q3_plan, ACTUALS, "--store", store, "-q")
    assert run.code == 0, run.output
    assert run.stdout == ""
    with ACTUALS.open(encoding="utf-8-sig") as fh:
        hand = sum(Decimal(r["value"]) for r in csv.DictReader(fh) if r["kpi"] == "online.sales")
    q3 = stored(store, "q3-2023-growth")
    assert sum(v for k, v in q3.items() if k[0] == "online.sales") == hand
    assert q3[("online.sales", "2023-07-01", "tmall")] == Decimal("24586.06")


def test_reingest_is_idempotent_and_a_later_value_corrects(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    first = write(
        tmp_path, "w1.csv", "date,kpi,value\n2024-06-02,web.sales,100\n2024-06-03,nps,5\n"
    )
    assert run_cli("ingest", plan, first, "--store", store).code == 0
    before = digest(store)
    again = run_cli("ingest", plan, first, "--store", store)
    assert again.code == 0, again.output
    assert "already ingested" in again.stdout
    assert stored(store, "ingest-test") == {
        ("web.sales", "2024-06-02", ""): Decimal(100),
        ("nps", "2024-06-03", ""): Decimal(5),
    }
    later = write(
        tmp_path, "w2.csv", "date,kpi,value\n2024-06-02,web.sales,120\n2024-06-03,nps,5\n"
    )
    run = run_cli("ingest", plan, later, "--store", store)
    assert run.code == 0, run.output
    assert "0 new, 1 changed, 1 unchanged" in run.stdout
    assert stored(store, "ingest-test")[("web.sales", "2024-06-02", "")] == Decimal(120)
    assert digest(store) != before


def test_rejected_rows_leave_the_store_untouched(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    good = write(tmp_path, "good.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    assert run_cli("ingest", plan, good, "--store", store).code == 0
    before = digest(store)
    lines = "".join(f"2024-06-{d:02d},web.sales,x{d}\n" for d in range(1, 31))
    bad = write(tmp_path, "bad.csv", "date,kpi,value\n2024-06-02,web.sales,999\n" + lines * 3)
    run = run_cli("ingest", plan, good, bad, "--store", store)
    assert run.code == 1
    assert "bad.csv:3 value: 'x1': not a number" in run.stderr
    assert "… and 40 more problems not listed" in run.stderr
    assert "90 rows rejected in" in run.stderr
    assert "nothing was stored" in run.stderr
    assert "Traceback" not in run.output
    assert digest(store) == before
    assert not (tmp_path / "bad.rejects.csv").exists()


def test_dry_run_with_skip_invalid_says_what_would_be_skipped(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    bad = write(
        tmp_path, "mixed.csv", "date,kpi,value\n2024-06-02,web.sales,100\n2024-06-40,web.sales,1\n"
    )
    run = run_cli("ingest", plan, bad, "--store", store, "--skip-invalid", "--dry-run")
    assert run.code == 0, run.output
    assert "1 row would be rejected and skipped; no rejects file written (dry run)" in run.stdout
    assert not (tmp_path / "mixed.rejects.csv").exists()
    zh = run_cli(
        "ingest", plan, bad, "--store", store, "--skip-invalid", "--dry-run", "--lang", "zh"
    )
    assert "1 行将被拒收并跳过；未写入拒收文件（试运行）" in zh.stdout


def test_skip_invalid_stores_good_rows_and_writes_rejects(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    bad = write(
        tmp_path,
        "mixed.csv",
        "date,kpi,value\n2024-06-02,web.sales,100\n2024-06-40,web.sales,1\n2024-06-03,web.sale,7\n",
    )
    run = run_cli("ingest", plan, bad, "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    assert "2 rows rejected and skipped; listed in" in run.stdout
    assert stored(store, "ingest-test") == {("web.sales", "2024-06-02", ""): Decimal(100)}
    with (tmp_path / "mixed.rejects.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["line"], r["column"], r["value"]) for r in rows] == [
        ("3", "date", "2024-06-40"),
        ("4", "kpi", "web.sale"),
    ]
    assert rows[0]["file"] == str(bad)
    assert "did you mean 'web.sales'" in rows[1]["reason"]


def test_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    first = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    assert run_cli("ingest", plan, first, "--store", store).code == 0
    before = digest(store)
    second = write(
        tmp_path,
        "b.csv",
        "date,kpi,value\n2024-06-02,web.sales,150\n2024-06-03,web.sales,1\n2024-06-04,web.sales,-\n",
    )
    run = run_cli("ingest", plan, second, "--store", store, "--dry-run", "--skip-invalid")
    assert run.code == 0, run.output
    assert "3 rows read; 1 new, 1 changed, 0 unchanged" in run.stdout
    assert "dry run: nothing written" in run.stdout
    assert digest(store) == before
    log = run_cli("log", plan, "--store", store, "--format", "json")
    assert len(json.loads(log.stdout)["runs"]) == 1


def test_dry_run_without_a_store_creates_none(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    export = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    run = run_cli("ingest", plan, export, "--dry-run")  # the default store beside the plan
    assert run.code == 0, run.output
    assert "1 new, 0 changed, 0 unchanged" in run.stdout
    assert "dry run: nothing written" in run.stdout
    assert not (tmp_path / ".mktplan" / "store.sqlite").exists()
    store = tmp_path / "named" / "s.sqlite"
    assert run_cli("ingest", plan, export, "--store", store, "--dry-run").code == 0
    assert not store.parent.exists()


def test_dry_run_writes_no_plan_cache_and_does_not_upgrade_an_older_store(
    tmp_path: Path,
) -> None:
    from mktplan.store import schema
    from tests.store.helpers import old_store

    plan = write_plan(tmp_path)
    export = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    store = tmp_path / "old.sqlite"
    old_store(store, 2, [])  # a store as an older mktplan left it: version 2
    files = sorted(tmp_path.glob("old.sqlite*"))
    before = [f.read_bytes() for f in files]
    run = run_cli("ingest", plan, export, "--store", store, "--dry-run")
    assert run.code == 0, run.output
    assert "1 new, 0 changed, 0 unchanged" in run.stdout
    assert sorted(tmp_path.glob("old.sqlite*")) == files  # no WAL file left behind either
    assert [f.read_bytes() for f in files] == before
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (2,)
    assert not (tmp_path / ".mktplan" / "cache").exists()
    # a real run upgrades it and keeps the plan for next time
    assert run_cli("ingest", plan, export, "--store", store).code == 0
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (
            schema.latest_version(),
        )
    assert list((tmp_path / ".mktplan" / "cache").glob("plan-*.json"))


def test_dry_run_leaves_a_rollback_journal_store_byte_for_byte(tmp_path: Path) -> None:
    """A `VACUUM INTO` backup is in rollback-journal mode: opening it as a store switches it to
    WAL, which a dry run must not do (found in review)."""
    plan = write_plan(tmp_path)
    export = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    live = tmp_path / "live.sqlite"
    assert run_cli("ingest", plan, export, "--store", live).code == 0
    backup = tmp_path / "backup.sqlite"
    with sqlite3.connect(live) as conn:
        conn.execute("VACUUM INTO ?", (str(backup),))
    before = backup.read_bytes()
    second = write(tmp_path, "b.csv", "date,kpi,value\n2024-06-02,web.sales,150\n")
    run = run_cli("ingest", plan, second, "--store", backup, "--dry-run")
    assert run.code == 0, run.output
    assert "0 new, 1 changed, 0 unchanged" in run.stdout
    assert backup.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("backup.sqlite*")) == ["backup.sqlite"]


def test_a_store_path_the_system_refuses_is_a_plain_error(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    export = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    too_long = tmp_path / ("x" * 300)
    for args in (
        ("ingest", plan, export, "--store", too_long),
        ("ingest", plan, export, "--store", too_long, "--dry-run"),
        ("report", plan, "--store", too_long, "--format", "json"),
        ("log", plan, "--store", too_long),
    ):
        run = run_cli(*args)
        assert run.code == 1, run.output
        assert "internal error" not in run.output
        assert "too long" in run.output


def test_log_and_history(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    missing = run_cli("log", plan, "--store", store)
    assert missing.code == 1
    assert "no store yet" in missing.stderr
    data = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    assert run_cli("ingest", plan, data, "--store", store).code == 0
    text = run_cli("log", plan, "--store", store)
    assert text.code == 0, text.output
    assert "run 1" in text.stdout
    assert "a.csv (long): 1 row read; 1 new, 0 changed, 0 unchanged" in text.stdout
    document = json.loads(run_cli("log", plan, "--store", store, "-f", "json").stdout)
    assert document["runs"][0]["files"][0]["kpis"] == ["web.sales"]
    history = run_cli("ingest", plan, "--history", "--store", store)
    assert history.code == 0
    assert "run 1" in history.stdout
    # files beside --history were silently not ingested: a usage error, the store untouched
    more = write(tmp_path, "b.csv", "date,kpi,value\n2024-06-03,web.sales,50\n")
    refused = run_cli("ingest", plan, more, "--history", "--store", store)
    assert refused.code == 2
    assert "--history lists the ingest runs and reads no files" in refused.output
    assert "b.csv would not be ingested" in refused.output
    assert "run 2" not in run_cli("log", plan, "--store", store).stdout


def test_store_defaults_to_env_then_beside_plan(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    data = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    env_store = tmp_path / "env.sqlite"
    assert run_cli("ingest", plan, data, env={"MKTPLAN_STORE": str(env_store)}).code == 0
    assert env_store.exists()
    assert run_cli("ingest", plan, data).code == 0
    assert (tmp_path / ".mktplan" / "store.sqlite").exists()


def test_usage_and_input_errors(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    data = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    no_files = run_cli("ingest", plan, "--store", store)
    assert no_files.code == 2
    assert "no export files given" in no_files.stderr
    unknown = run_cli("ingest", plan, data, "--source", "nope", "--store", store)
    assert unknown.code == 2
    assert "no source 'nope'" in unknown.stderr
    assert "daily, web_only" in unknown.stderr
    missing = run_cli("ingest", plan, tmp_path / "gone.csv", "--store", store)
    assert missing.code == 1
    assert "gone.csv: the file does not exist" in missing.stderr
    wide = write(tmp_path, "w.csv", "day,Sales,Visits\n2024-06-02,1,2\n")
    guess = run_cli("ingest", plan, wide, "--store", store)
    assert guess.code == 1
    assert "pass --source web_only" in guess.stderr
    bad_plan = write(tmp_path, "bad.yaml", "plan: {}\n")
    invalid = run_cli("ingest", bad_plan, data, "--store", store)
    assert invalid.code == 1
    assert "the plan is not valid" in invalid.stderr
    for run in (no_files, unknown, missing, guess, invalid):
        assert "Traceback" not in run.output
    assert not store.exists()


def test_help_has_an_example() -> None:
    run = run_cli("ingest", "--help")
    assert run.code == 0
    assert "Example: mktplan ingest" in run.stdout
    assert "--skip-invalid" in run.stdout


def test_reingest_of_a_known_file_skips_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mktplan.ingest import pipeline

    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(
        tmp_path, "w.csv", "date,kpi,value\n2024-06-02,web.sales,100\n2024-06-03,nps,5\n"
    )
    first = pipeline.ingest_files(plan, [export], store=store)
    [earlier] = first.outcome.files

    def must_not_parse(*_: object, **__: object) -> object:
        raise AssertionError("a file the store already holds was parsed again")

    monkeypatch.setattr(pipeline, "map_table", must_not_parse)
    again = pipeline.ingest_files(plan, [export], store=store)
    [outcome] = again.outcome.files
    assert outcome.already_ingested
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, 2)
    assert outcome.rows_read == earlier.rows_read == 2
    assert (outcome.first_date, outcome.last_date, outcome.kpis) == (
        earlier.first_date,
        earlier.last_date,
        earlier.kpis,
    )


def test_force_reapplies_a_known_file_to_undo_a_later_correction(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    original = write(tmp_path, "a.csv", "date,kpi,value\n2024-06-02,web.sales,100\n")
    correction = write(tmp_path, "b.csv", "date,kpi,value\n2024-06-02,web.sales,120\n")
    for export in (original, correction):
        assert run_cli("ingest", plan, export, "--store", store).code == 0
    again = run_cli("ingest", plan, original, "--store", store)
    assert "already ingested" in again.stdout
    assert stored(store, "ingest-test")[("web.sales", "2024-06-02", "")] == Decimal(120)
    forced = run_cli("ingest", plan, original, "--store", store, "--force")
    assert forced.code == 0, forced.output
    assert "0 new, 1 changed, 0 unchanged" in forced.stdout
    assert stored(store, "ingest-test")[("web.sales", "2024-06-02", "")] == Decimal(100)


def test_the_summary_names_a_dozen_kpis_then_counts_the_rest(tmp_path: Path) -> None:
    from mktplan.cli.ingest_commands import KPIS_NAMED, _file_line
    from mktplan.store import FileOutcome

    kpis = tuple(f"m.k{i:04d}" for i in range(4000))
    outcome = FileOutcome("a.csv", "s", "long", 4000, 4000, 0, 0, False, None, None, kpis)
    line = _file_line(outcome)
    assert "4000 KPIs: m.k0000, m.k0001" in line
    assert f"m.k{KPIS_NAMED - 1:04d} and {4000 - KPIS_NAMED} more" in line
    assert f"m.k{KPIS_NAMED:04d}" not in line
    assert len(line) < 400


def test_the_same_problem_on_consecutive_rows_is_said_once(tmp_path: Path) -> None:
    # a report grouped by year: every row refused for the same '2024' (Klaviyo's export)
    rows = "".join(f"2024,web.sales,{n}\n" for n in range(97))
    run = _long_refused(tmp_path, "yearly.csv", rows + "2024-06-31,web.sales,1\n")
    assert "yearly.csv:2–98 date: '2024': a year, not a day" in run.stderr
    assert run.stderr.count("'2024'") == 1
    assert "(the same on 97 rows)" in run.stderr
    assert "yearly.csv:99 date: '2024-06-31'" in run.stderr  # another problem: its own line
    assert "98 rows rejected" in run.stderr
    zh = _long_refused(tmp_path, "yearly.csv", rows, "--lang", "zh")
    assert "（共 97 行相同）" in zh.stderr


def _long_refused(tmp_path: Path, name: str, rows: str, *args: str) -> Run:
    """The refusal of a long-format export of ``rows`` (ingest exits 1)."""
    export = write(tmp_path, name, "date,kpi,value\n" + rows)
    run = run_cli("ingest", write_plan(tmp_path), export, "--store", tmp_path / "s.sqlite", *args)
    assert run.code == 1, run.output
    return run


def test_cells_refused_for_one_reason_are_one_line_from_the_first_text_to_the_last(
    tmp_path: Path,
) -> None:
    # GA4's "Date + hour" without a date_format, then its "Nth day" (periods, not dates)
    hours = "".join(f"20240602{hour:02d},web.sales,{hour}\n" for hour in range(10, 21))
    periods = "".join(f"{n:04d},web.sales,1\n" for n in range(6))
    run = _long_refused(tmp_path, "ga4.csv", hours + periods)
    assert "ga4.csv:2–12 date: '2024060210' … '2024060220': a date and an hour" in run.stderr
    assert '`date_format: "%Y%m%d%H"`' in run.stderr
    assert "(the same on 11 rows)" in run.stderr
    assert "ga4.csv:13–18 date: '0000' … '0005': a number, not a date" in run.stderr
    assert "Nth day" in run.stderr
    assert run.stderr.count("error ") == 2
    zh = _long_refused(tmp_path, "ga4.csv", hours + periods, "--lang", "zh")
    assert "'2024060210' … '2024060220'：是日期加小时" in zh.stderr


def test_different_texts_fold_only_over_consecutive_lines_and_a_wrong_month_is_one_line(
    tmp_path: Path,
) -> None:
    july = "".join(f"2024-07-{day:02d},web.sales,{day}\n" for day in range(1, 32))
    stray = "0005,web.sales,1\n2024-06-02,web.sales,1\n0900,web.sales,1\n"
    run = _long_refused(tmp_path, "july.csv", july + stray)
    assert "july.csv:2–32 date: '2024-07-01' … '2024-07-31': outside the plan period" in run.stderr
    assert "(the same on 31 rows)" in run.stderr
    # two stray period numbers with a good row between them: a line each, no span
    assert "july.csv:33 date: '0005': a number, not a date" in run.stderr
    assert "july.csv:35 date: '0900': a number, not a date" in run.stderr


def test_a_formula_error_in_a_date_or_channel_cell_is_refused_as_one(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    export = write(
        tmp_path,
        "errors.csv",
        "日期,渠道,平台,访问,点击率,销售额,备注\n"
        "#REF!,线上,天猫,10,1%,100,\n"
        "2024-06-02,线上,#NAME?,10,1%,100,\n"
        "2024-06-03,线上,天猫,10,1%,100,#VALUE!\n",
    )
    run = run_cli("ingest", plan, export, "--source", "daily", "--store", tmp_path / "s.sqlite")
    assert run.code == 1
    assert "errors.csv:2 日期: '#REF!': the spreadsheet's formula failed" in run.stderr
    assert "errors.csv:3 平台: '#NAME?': the spreadsheet's formula failed" in run.stderr
    assert "errors.csv:4" not in run.stderr  # a note keeps any text
