"""A separate process that ingests a generated batch into a store (run by test_processes).

Usage: python child.py STORE (a path or a PostgreSQL URI) PLAN_ID COUNT NAME [GO_FILE]
Waits until GO_FILE exists (if given), prints "ingesting", then ingests COUNT observations
(10 KPIs × 365 days × as many channels as needed) and prints the outcome's counts.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

from mktplan.errors import MktplanError
from mktplan.observations import Observation
from mktplan.store import FileBatch, open_store


def generated(count: int) -> list[Observation]:
    day0 = dt.date(2024, 1, 1)
    return [
        Observation(
            kpi=f"k{n % 10}",
            date=day0 + dt.timedelta(days=(n // 10) % 365),
            value=Decimal(n) / 100,
            channel=f"ch{n // 3650}",
        )
        for n in range(count)
    ]


def main() -> int:
    store_path, plan_id, count, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    observations = generated(count)
    batch = FileBatch(name, f"sha-{name}", "long", "cfg", count, observations, range(2, count + 2))
    if len(sys.argv) > 5:
        go = Path(sys.argv[5])
        while not go.exists():
            time.sleep(0.01)
    try:
        with open_store(store_path) as store:
            print("ingesting", flush=True)
            (outcome,) = store.ingest(plan_id, [batch]).files
    except MktplanError as exc:
        print(f"error: {exc.message}", flush=True)
        return 1
    print(f"new={outcome.new}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
