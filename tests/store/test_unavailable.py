"""Exit 4 is for a store that could not be used; a value the store refuses is the export's
fault and stays exit 1, so `mktplan cron` rejects that file instead of retrying it forever
(and holding back the rest of its inbox)."""

from __future__ import annotations

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
