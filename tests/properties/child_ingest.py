"""Run `mktplan ingest` through the real entry point once a start file appears, so that
several of these processes, started one after another, ingest at the same moment.

Usage: python child_ingest.py GO_FILE ARG...   (ARG... as for `mktplan`)
Prints "ready" once mktplan and pandas are imported, then waits for GO_FILE.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas  # noqa: F401  # imported before the start line so every child parses at once

from mktplan.cli import main


def run() -> None:
    go = Path(sys.argv[1])
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("child_ingest: the start file never appeared")
        time.sleep(0.005)
    main(sys.argv[2:])


if __name__ == "__main__":
    run()
