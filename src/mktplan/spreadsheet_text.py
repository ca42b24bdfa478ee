"""Text bound for a spreadsheet program (the xlsx report, the rejects CSV): the one rule for
which cell starts are read as a formula or a command (CSV/formula injection)."""

from __future__ import annotations

# with their full-width forms: Excel in a Chinese or Japanese locale takes ＝1+1 typed into a
# cell for the formula =1+1, so an edited cell would run it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` in a cell for a formula."""
    return text.startswith(FORMULA_STARTS)


def defused(text: str) -> str:
    """``text`` for a CSV cell: a formula-like start gets a leading apostrophe, which
    spreadsheet programs show as text and never evaluate."""
    return "'" + text if reads_as_formula(text) else text
