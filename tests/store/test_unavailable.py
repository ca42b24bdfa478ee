"""Exit 4 is for a store that could not be used; a value the store refuses is the export's
fault and stays exit 1, so `mktplan cron` rejects that file instead of retrying it forever
(and holding back the rest of its inbox)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.conftest import PLANS, Backend, run_cli
from tests.store.helpers import select

Q3 = PLANS / "q3-2023-growth.yaml"


def test_a_value_the_postgresql_server_refuses_is_the_exports_fault(
    tmp_path: Path, pg_server_url: str
) -> None:
    store = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        url = store.new()
        export = tmp_path / "week.csv"
        export.write_bytes(
            b"date,kpi,value,note\n2023-07-02,online.sales,5,ok\n"
            b"2023-07-03,online.sales,10,a\x00b\n"
        )
        ran = run_cli("ingest", Q3, export, "--store", url)
        assert ran.code == 1, ran.output
        assert "holds a NUL character" in ran.stderr  # refused by ingest, not the server
        assert "Traceback" not in ran.output
        assert select(url, "SELECT count(*) FROM observation") == [(0,)]
        # so --skip-invalid stores the good row, as on SQLite
        skipped = run_cli("ingest", Q3, export, "--store", url, "--skip-invalid")
        assert skipped.code == 0, skipped.output
        assert select(url, "SELECT count(*) FROM observation") == [(1,)]
    finally:
        store.drop_all()


def test_a_key_too_long_for_the_postgresql_index_is_refused_row_by_row(
    tmp_path: Path, pg_server_url: str
) -> None:
    # digests, not a repeated text, which PostgreSQL would compress below the index's limit
    channel = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(50))
    store = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        url = store.new()
        export = tmp_path / "week.csv"
        export.write_text(
            "date,kpi,value,channel\n2023-07-01,online.sales,3,tmall\n"
            f"2023-07-02,online.sales,5,{channel}\n",
            encoding="utf-8",
        )
        ran = run_cli("ingest", Q3, export, "--store", url)
        # refused by ingest on either store, row by row, not by the server for the whole call
        assert ran.code == 1, ran.output
        assert "week.csv:3 channel" in ran.stderr
        assert "too long: 3,200 bytes in UTF-8" in ran.stderr
        assert "Traceback" not in ran.output
        assert select(url, "SELECT count(*) FROM observation") == [(0,)]
        skipped = run_cli("ingest", Q3, export, "--store", url, "--skip-invalid")
        assert skipped.code == 0, skipped.output
        assert select(url, "SELECT channel FROM observation") == [("tmall",)]
    finally:
        store.drop_all()


def test_a_key_the_postgresql_index_cannot_hold_is_the_inputs_fault(
    tmp_path: Path, pg_server_url: str
) -> None:
    """A store kept before ingest bounded key texts may hold one: copying it into PostgreSQL
    is refused as the input's fault (exit 1), not as a store that cannot be reached (exit 4,
    which kept such a file in cron's inbox for ever)."""
    channel = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(50))
    source = tmp_path / "old.sqlite"
    export = tmp_path / "week.csv"
    export.write_text("date,kpi,value,channel\n2023-07-02,online.sales,5,tmall\n")
    assert run_cli("ingest", Q3, export, "--store", source).code == 0
    with sqlite3.connect(source) as db:
        db.execute("UPDATE observation SET channel = ?", (channel,))
    store = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        url = store.new()
        ran = run_cli("store", "copy", source, url)
        assert ran.code == 1, ran.output
        assert "too long" in ran.stderr
        assert "cannot reach" not in ran.stderr
        assert "Traceback" not in ran.output
    finally:
        store.drop_all()
