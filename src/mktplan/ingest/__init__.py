"""Ingest: exports (CSV, .xlsx; long format or plan-mapped wide) → observations → store.

:mod:`~mktplan.ingest.readers` reads files and parses values, :mod:`~mktplan.ingest.mapping`
maps rows to observations, :mod:`~mktplan.ingest.pipeline` runs files into the store.
"""
