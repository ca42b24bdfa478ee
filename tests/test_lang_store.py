"""The store's errors and a report template's errors speak the one language setting too:
a Chinese team's cron job that meets a store from a newer mktplan, a file that is not a
store, a wrong --store URI or a broken template reads Chinese, with the same file and line
and the same exit code as in English."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest

from mktplan.store import schema
from mktplan.store.locate import mask_password
from mktplan.store.postgres import schema as pg_schema
from tests.conftest import PLANS, Backend, run_cli
from tests.store.helpers import hold_write_lock
from tests.store.test_failures import fill, small_disk

Q3 = PLANS / "q3-2023-growth.yaml"
ACTUALS = PLANS / "q3-2023-growth.actuals.csv"
ZH = {"MKTPLAN_LANG": "zh"}


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    shutil.copy(Q3, tmp_path / "plan.yaml")
    return tmp_path / "plan.yaml"


@pytest.fixture
def chinese_plan(tmp_path: Path) -> Path:
    """The Q3 plan declaring `lang: zh`: a Chinese plan gets Chinese messages unasked."""
    text = Q3.read_text(encoding="utf-8").replace("\nplan:\n", "\nplan:\n  lang: zh\n", 1)
    path = tmp_path / "plan-zh.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _ingested(backend: Backend) -> str:
    store = backend.new()
    ran = run_cli("ingest", Q3, ACTUALS, "--store", store, "--quiet")
    assert ran.code == 0, ran.output
    return store


def _from_a_newer_mktplan(store: str, backend: Backend) -> None:
    if backend.name == "sqlite":
        with sqlite3.connect(store) as conn:
            conn.execute(
                "INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00+00:00')"
            )
        conn.close()
    else:
        with psycopg.connect(store, autocommit=True) as conn:
            conn.execute("INSERT INTO schema_version VALUES (99, 'future', now())")


def test_a_store_from_a_newer_mktplan_is_refused_in_chinese(plan: Path, backend: Backend) -> None:
    store = _ingested(backend)
    _from_a_newer_mktplan(store, backend)
    if backend.name == "sqlite":
        newest, kind = schema.latest_version(), "结构版本"
    else:
        newest, kind = pg_schema.latest_version(), "PostgreSQL 结构版本"
    where = mask_password(store)
    expected = (
        f"mktplan: {where}: 数据库 {where} 由更新版本的 mktplan 写入（{kind} 99；"
        f"当前 mktplan 只支持到版本 {newest}） 提示：升级 mktplan，或用 --store 指向另一个数据库。\n"
    )
    runs = {
        "report --lang zh": run_cli(
            "report", plan, "--as-of", "2023-07-31", "--store", store, "--lang", "zh"
        ),
        "ingest MKTPLAN_LANG=zh": run_cli("ingest", plan, ACTUALS, "--store", store, env=ZH),
        "log --lang zh": run_cli("log", plan, "--store", store, "--lang", "zh"),
    }
    for label, ran in runs.items():
        assert (ran.code, ran.stderr) == (4, expected), label
    english = run_cli("log", plan, "--store", store)
    assert english.code == 4
    assert english.stderr.startswith(f"mktplan: {where}: the store {where} was written by a newer")


def test_a_locked_store_times_out_in_chinese(plan: Path, backend: Backend) -> None:
    store = _ingested(backend)
    where = mask_password(store)
    with hold_write_lock(store):
        ran = run_cli(
            "ingest", plan, ACTUALS, "--force", "--store", store, "--lock-timeout", "0.3", env=ZH
        )
    assert (ran.code, ran.stderr) == (
        4,
        f"mktplan: {where}: 另一次导入正在占用数据库 {where}；已等待 0.3 秒，放弃 "
        "提示：等另一个 `mktplan ingest` 完成后再运行一次。\n",
    )


def test_a_full_disk_is_named_in_chinese(tmp_path: Path, chinese_plan: Path) -> None:
    with small_disk(tmp_path / "disk", "256k") as disk:
        fill(disk, 8192)
        store = disk / "store.sqlite"
        ran = run_cli("ingest", chinese_plan, ACTUALS, "--store", store)
    assert (ran.code, ran.stderr) == (
        4,
        f"mktplan: {store}: 数据库 {store} 所在的磁盘已满；没有写入任何数据 "
        "提示：在该磁盘上腾出一些空间（或用 --store 把数据库移到别处）后再运行。\n",
    )


def test_a_file_that_is_not_sqlite_is_refused_in_chinese(
    tmp_path: Path, plan: Path, chinese_plan: Path
) -> None:
    store = tmp_path / "notes.sqlite"
    store.write_bytes(b"these are meeting notes, not a database" * 4)
    expected = (
        f"mktplan: {store}: {store} 不是 mktplan 数据库：它不是 SQLite 数据库，或是首页已损坏的"
        "数据库（file is not a database） 提示：如果它不是数据库，请用 --store 或 MKTPLAN_STORE "
        f"指向一个数据库；如果它原本是数据库：用 `sqlite3 {store} 'PRAGMA integrity_check'` "
        "检查它；从备份恢复该文件，或把它移走，再把导出文件重新导入一个新数据库。\n"
    )
    runs = {
        "report --lang zh": run_cli(
            "report", plan, "--as-of", "2023-07-31", "--store", store, "--lang", "zh"
        ),
        "ingest, plan lang: zh": run_cli("ingest", chinese_plan, ACTUALS, "--store", store),
        "log MKTPLAN_LANG=zh": run_cli("log", plan, "--store", store, env=ZH),
    }
    for label, ran in runs.items():
        assert (ran.code, ran.stderr) == (4, expected), label
    assert store.read_bytes().startswith(b"these are meeting notes")  # left as it was
    english = run_cli("log", plan, "--store", store)
    assert english.code == 4
    assert english.stderr.startswith(f"mktplan: {store}: {store} is not a mktplan store: it is")


def test_an_unknown_uri_scheme_in_store_is_refused_in_chinese(plan: Path) -> None:
    uri = "mysql://mk:s3cret@db.example/marketing"
    expected = (
        "mktplan: {where} 'mysql://mk:***@db.example/marketing' 看起来是一个 URI（mysql:），"
        "mktplan 无法打开：数据库只能是 SQLite 文件或 PostgreSQL 数据库 提示：指定一个 SQLite "
        "文件路径（默认是计划旁边的 .mktplan/store.sqlite）或 postgresql://user@host:port/dbname；"
        "名称以 ':' 结尾的文件夹可用绝对路径指定（/.../NAME:/store.sqlite）。\n"
    )
    runs = {
        "report --lang zh": run_cli(
            "report", plan, "--as-of", "2023-07-31", "--store", uri, "--lang", "zh"
        ),
        "ingest MKTPLAN_STORE, MKTPLAN_LANG=zh": run_cli(
            "ingest", plan, ACTUALS, env={**ZH, "MKTPLAN_STORE": uri}
        ),
    }
    for label, ran in runs.items():
        where = "MKTPLAN_STORE" if "MKTPLAN_STORE" in label else "--store"
        assert (ran.code, ran.stderr) == (2, expected.format(where=where)), label
        assert "s3cret" not in ran.output
    english = run_cli("report", plan, "--as-of", "2023-07-31", "--store", uri)
    assert english.code == 2
    assert "'mysql://mk:***@db.example/marketing' looks like a URI (mysql:)" in english.stderr


def test_store_copy_into_a_store_holding_plans_is_refused_in_chinese(
    tmp_path: Path, backend: Backend
) -> None:
    source = str(tmp_path / "source.sqlite")
    assert run_cli("ingest", Q3, ACTUALS, "--store", source, "--quiet").code == 0
    target = _ingested(backend)
    where = mask_password(target)
    expected = (
        f"mktplan: {where}: 目标数据库 {where} 中已有计划（q3-2023-growth）；没有复制任何数据 "
        "提示：复制到一个新的空数据库（新文件或新建的数据库）。\n"
    )
    for ran in (
        run_cli("store", "copy", source, target, "--lang", "zh"),
        run_cli("store", "copy", source, target, env=ZH),
    ):
        assert (ran.code, ran.stdout, ran.stderr) == (1, "", expected)
    english = run_cli("store", "copy", source, target)
    assert english.code == 1
    assert english.stderr.startswith(f"mktplan: {where}: the destination store {where} already")
    fresh = str(tmp_path / "fresh.sqlite")
    copied = run_cli("store", "copy", source, fresh, "--lang", "zh")
    assert copied.code == 0, copied.output
    assert copied.stdout.startswith(f"已将 1 个计划复制到 {fresh}（1 ingest_run, ")
    assert "两个数据库内容一致（sha256 " in copied.stdout


def test_a_template_syntax_error_is_reported_in_chinese(tmp_path: Path, plan: Path) -> None:
    store = tmp_path / "store.sqlite"
    assert run_cli("ingest", plan, ACTUALS, "--store", store, "--quiet").code == 0
    template = tmp_path / "weekly.md.j2"
    template.write_text("# {{ ev.plan.name }}\n\nfine\n{% if %}\n", encoding="utf-8")
    args = ("report", plan, "--as-of", "2023-07-31", "--store", store, "--template", template)
    chinese = run_cli(*args, "--lang", "zh")
    english = run_cli(*args)
    assert chinese.code == english.code == 1
    assert chinese.stderr == (
        f"mktplan: {template}:4: 模板语法错误：Expected an expression, got 'end of statement "
        "block' 提示：参见 https://jinja.palletsprojects.com/templates/。\n"
    )
    assert english.stderr.startswith(f"mktplan: {template}:4: template syntax error: Expected")


def test_the_cron_job_meets_a_store_from_a_newer_mktplan_in_chinese(
    tmp_path: Path, plan: Path
) -> None:
    store = tmp_path / "store.sqlite"
    assert run_cli("ingest", plan, ACTUALS, "--store", store, "--quiet").code == 0
    with sqlite3.connect(store) as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00+00:00')"
        )
    conn.close()
    folders = [tmp_path / name for name in ("inbox", "done", "rejected", "reports")]
    for folder in folders:
        folder.mkdir()
    shutil.copy(ACTUALS, folders[0] / "week.csv")
    ran = run_cli("cron", plan, *folders, "--store", store, "--as-of", "2023-07-31", env=ZH)
    assert ran.code == 4, ran.output  # the store could not be used: the export is fine
    refusal = (
        f"mktplan: {store}: 数据库 {store} 由更新版本的 mktplan 写入（结构版本 99；当前 mktplan "
        f"只支持到版本 {schema.latest_version()}） 提示：升级 mktplan，或用 --store 指向另一个数据库。"
    )
    assert refusal in ran.stderr  # each report says it too
    inbox = folders[0]
    assert (
        f"mktplan cron: 数据库无法使用，{inbox / 'week.csv'} 留在收件文件夹，下次运行时再导入："
        f"{refusal.removeprefix('mktplan: ')}\n"
    ) in ran.stderr
    assert [p.name for p in inbox.iterdir() if not p.name.startswith(".")] == ["week.csv"]
    assert list(folders[2].iterdir()) == []  # nothing rejected
    assert "newer mktplan" not in ran.output
    assert "Hint" not in ran.output
