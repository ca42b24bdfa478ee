"""`--lock-timeout` of ingest, report and cron: a wait the stores can keep (0 to 2,147,483 s,
their 32-bit milliseconds), else a usage error that touches nothing. NaN and infinity used to
reach the store: `report` then said the store was damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PLANS, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"
ACTUALS = PLANS / "q3-2023-growth.actuals.csv"


@pytest.mark.parametrize("given", ["-1", "nan", "inf", "1e300", "2147484"])
def test_ingest_refuses_a_wait_the_store_cannot_keep(tmp_path: Path, given: str) -> None:
    store = tmp_path / "store.sqlite"
    run = run_cli("ingest", Q3, ACTUALS, "--store", store, "--lock-timeout", given)
    assert run.code == 2, run.output
    shown = f"{float(given):.15g}"  # 2147484, not 2.14748e+06
    assert (
        f"--lock-timeout must be a number of seconds from 0 to 2147483 (about 24 days), not {shown}"
    ) in run.stderr
    assert "Traceback" not in run.output
    assert not store.exists()


def test_report_and_cron_refuse_it_too_in_their_language(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    assert run_cli("ingest", Q3, ACTUALS, "--store", store, "--lock-timeout", "2147483").code == 0
    report = run_cli(
        "report", Q3, "--as-of", "2023-07-31", "--store", store, "--lock-timeout", "nan",
        "--lang", "zh", "--out", tmp_path / "r.md",
    )  # fmt: skip
    assert report.code == 2, report.output
    assert "--lock-timeout 必须是 0 到 2147483 之间的秒数（约 24 天），不能是 nan" in report.stderr
    assert not (tmp_path / "r.md").exists()
    folders = [tmp_path / name for name in ("inbox", "done", "rejected", "reports")]
    for folder in folders:
        folder.mkdir()
    cron = run_cli("cron", Q3, *folders, "--store", store, "--lock-timeout", "inf")
    assert cron.code == 2, cron.output
    assert "not inf" in cron.stderr
    assert not any((tmp_path / "reports").iterdir())
