"""The read stage: blocks of columns from a file whose dialect is known (see
:mod:`mktplan.ingest.sniff`). One module per format; each yields :class:`~mktplan.ingest.
columns.Body` blocks with file line numbers, so the stages after it never see the format."""


class NotStreamable(Exception):
    """The table cannot be read or mapped block by block: read it whole instead."""


class ColumnIsText(Exception):
    """A column read as numbers holds text (or a number whose float is not the decimal
    written): read the table again with this column as text."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position
