"""Ingest: exports (CSV, .xlsx; long format or plan-mapped wide) → observations → store.

:mod:`~mktplan.ingest.readers` reads files and parses values, :mod:`~mktplan.ingest.mapping`
maps rows to observations, :mod:`~mktplan.ingest.pipeline` runs files into the store.
"""

import os

# Ingest imports numpy, and numpy's OpenBLAS starts a thread per core that polls for work
# mktplan never gives it (no linear algebra): 3-5 % of a 1M-row ingest's CPU on 2 cores, taken
# from the reader's threads. One thread, unless the user says otherwise; before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
