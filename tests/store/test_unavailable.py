"""Exit 4 is for a store that could not be used; a value the store refuses is the export's
fault and stays exit 1, so `mktplan cron` rejects that file instead of retrying it forever
(and holding back the rest of its inbox)."""

from __future__ import annotations

import hashlib
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


def test_a_key_too_long_for_the_postgresql_index_is_the_exports_fault(
    tmp_path: Path, pg_server_url: str
) -> None:
    # digests, not a repeated text, which PostgreSQL would compress below the index's limit
    channel = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(50))
    store = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        url = store.new()
        export = tmp_path / "week.csv"
        export.write_text(
            f"date,kpi,value,channel\n2023-07-02,online.sales,5,{channel}\n", encoding="utf-8"
        )
        ran = run_cli("ingest", Q3, export, "--store", url)
        # exit 4 ("cannot reach the store") kept the file in cron's inbox for ever
        assert ran.code == 1, ran.output
        assert "too long" in ran.stderr
        assert "cannot reach" not in ran.stderr
        assert "Traceback" not in ran.output
        assert select(url, "SELECT count(*) FROM observation") == [(0,)]
    finally:
        store.drop_all()
