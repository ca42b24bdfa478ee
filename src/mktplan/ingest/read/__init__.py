"""The read stage: blocks of columns from a file whose dialect is known (see
:mod:`mktplan.ingest.sniff`). One module per format; each yields :class:`~mktplan.ingest.
columns.Body` blocks with file line numbers, so the stages after it never see the format."""
