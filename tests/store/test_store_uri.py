"""--store / MKTPLAN_STORE: a libpq URI opens the PostgreSQL store, a path the SQLite file,
and any other URI-like value is refused, never taken as a file name. Passwords never show."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mktplan.errors import UsageError
from mktplan.store import SqliteLocation, resolve_store
from mktplan.store.postgres import PostgresLocation
from tests.conftest import run_cli

PLANS = Path(__file__).resolve().parents[2] / "plans"


@pytest.mark.parametrize(
    "value",
    [
        "sqlite:///tmp/store.sqlite",
        "https://example.com/store.sqlite",
        "mysql://mk:s3cret@db.example/marketing",
    ],
)
def test_unknown_uri_like_store_values_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(UsageError) as info:
        resolve_store(value, tmp_path / "plan.yaml")
    assert "looks like a URI" in info.value.message
    assert "s3cret" not in info.value.message
    monkeypatch.setenv("MKTPLAN_STORE", value)
    with pytest.raises(UsageError):
        resolve_store(None, tmp_path / "plan.yaml")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (
            "postgresql://mk:s3cret@db.example:5433/marketing",
            "postgresql://mk:***@db.example:5433/marketing",
        ),
        ("postgres://db.example/marketing", "postgres://db.example/marketing"),
        (
            "postgresql://mk@/marketing?host=/run/postgresql&password=s3cret",
            "postgresql://mk@/marketing?host=/run/postgresql&password=***",
        ),
    ],
)
def test_libpq_uris_name_a_postgres_store_shown_without_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, shown: str
) -> None:
    location = resolve_store(value, tmp_path / "plan.yaml")
    assert location == PostgresLocation(value)
    assert str(location) == shown
    assert location.files() == []
    monkeypatch.setenv("MKTPLAN_STORE", value)
    assert resolve_store(None, tmp_path / "plan.yaml") == PostgresLocation(value)


def test_a_postgres_uri_libpq_cannot_read_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a PostgreSQL URI") as info:
        resolve_store("postgresql://mk:s3cret@db.example/marketing?sslmode", tmp_path)
    assert "s3cret" not in info.value.message


def test_an_unreachable_server_is_one_message_without_the_password(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("q3-2023-growth.yaml", "q3-2023-growth.actuals.csv"):
        shutil.copy(PLANS / name, inputs / name)
    work = tmp_path / "work"
    work.mkdir()
    # a socket folder where no server listens: refused at once, no network needed
    url = f"postgresql://mk:s3cret@/marketing?host={tmp_path}&connect_timeout=2"
    run = run_cli(
        "ingest",
        inputs / "q3-2023-growth.yaml",
        inputs / "q3-2023-growth.actuals.csv",
        "--store",
        url,
        cwd=work,
    )
    assert run.code == 4, run.output
    assert "cannot reach the store postgresql://mk:***@/marketing" in run.output
    assert "s3cret" not in run.output
    assert "Traceback" not in run.output
    assert list(work.iterdir()) == []
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith("postgres")]


def test_without_the_driver_the_message_says_what_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "no-psycopg"
    (blocker / "psycopg").mkdir(parents=True)
    (blocker / "psycopg" / "__init__.py").write_text(
        "raise ImportError('psycopg is not installed')\n", encoding="utf-8"
    )
    run = run_cli(
        "log",
        PLANS / "q3-2023-growth.yaml",
        "--store",
        "postgresql://mk:s3cret@db/marketing",
        env={"PYTHONPATH": str(blocker)},
    )
    assert run.code == 2, run.output
    assert "pip install 'mktplan[postgres]'" in run.output
    assert "s3cret" not in run.output
    assert "Traceback" not in run.output


def test_windows_drive_and_plain_paths_stay_paths(tmp_path: Path) -> None:
    assert resolve_store("C:/stores/a.sqlite", tmp_path) == SqliteLocation(
        Path("C:/stores/a.sqlite")
    )
    absolute = tmp_path / "backup:" / "s.sqlite"
    assert resolve_store(absolute, tmp_path) == SqliteLocation(absolute)
    assert resolve_store(None, tmp_path / "plan.yaml") == SqliteLocation(
        tmp_path / ".mktplan" / "store.sqlite"
    )


@pytest.mark.parametrize(
    ("url", "environ", "timeout"),
    [
        ("postgresql://mk:p%40ss@db.example:5433/marketing?sslmode=require", {}, "15"),
        ("host=db.example dbname=marketing", {}, "15"),
        ("postgresql://mk@db.example/marketing?connect_timeout=3", {}, "3"),  # its own
        ("postgresql://mk@db.example/marketing", {"PGCONNECT_TIMEOUT": "5"}, None),  # libpq's
    ],
)
def test_a_server_that_never_answers_is_given_up_on(
    url: str, environ: dict[str, str], timeout: str | None
) -> None:
    """libpq waits as long as the network lets it (about two minutes for a host that drops
    packets), at each step of a cron run: mktplan asks for 15 s unless told otherwise."""
    from psycopg.conninfo import conninfo_to_dict

    from mktplan.store.postgres.store import with_connect_timeout

    given = conninfo_to_dict(with_connect_timeout(url, environ))
    assert given.get("connect_timeout") == timeout
    assert given["host"] == "db.example"
    if "p%40ss" in url:
        assert given["password"] == "p@ss"  # noqa: S105 - the rest of the URI as it was


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_store_is_a_usage_error(tmp_path: Path, value: str) -> None:
    # it named the current folder: "the store path . is a directory", exit 4 (try again)
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLANS / "q3-2023-growth.yaml", plan)
    run = run_cli("report", plan, "--store", value)
    assert run.code == 2, run.output
    assert "--store is empty: it names no store" in run.stderr
