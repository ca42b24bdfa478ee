"""Options every command shares, declared once: the language setting, and the check of
`--lock-timeout`."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

LANG_ENV = "MKTPLAN_LANG"


class LangChoice(StrEnum):
    en = "en"
    zh = "zh"


def lang_option() -> Any:
    """``--lang en|zh``, else $MKTPLAN_LANG; unset means the plan's own ``lang:``, else en."""
    return typer.Option(
        None,
        "--lang",
        envvar=LANG_ENV,
        help="Language of messages and reports, en or zh (default: $MKTPLAN_LANG, else the "
        "plan's lang:, else en).",
        show_default=False,
    )


def choose_lang(explicit: LangChoice | str | None, declared: str | None = None) -> str:
    """The language to speak: ``--lang`` or $MKTPLAN_LANG (``explicit``), else the plan's
    ``lang:`` (``declared``), else English."""
    if explicit is not None:
        return str(explicit.value if isinstance(explicit, LangChoice) else explicit)
    return declared if declared in ("en", "zh") else "en"


_DECLARED = re.compile(r"^\s+lang:\s*[\"']?(en|zh)[\"']?\s*(?:#.*)?$", re.M)


def declared_lang(plan: Path, data: object = None) -> str | None:
    """The ``plan: lang:`` a plan file declares, read from its parsed ``data`` when there is
    one, else from its text, so a plan too broken to load still speaks its language."""
    if isinstance(data, dict):
        head = data.get("plan")
        if isinstance(head, dict):
            lang = head.get("lang")
            return lang if lang in ("en", "zh") else None
        return None
    try:
        if not plan.is_file():  # a pipe read here would be gone for the command itself
            return None
        with plan.open("rb") as fh:
            text = fh.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return None
    found = _DECLARED.search(text)
    return found[1] if found else None


# The longest wait the stores can be told: SQLite's busy_timeout and PostgreSQL's
# lock_timeout are 32-bit counts of milliseconds.
MAX_LOCK_TIMEOUT = 2_147_483


def check_lock_timeout(seconds: float | None) -> None:
    """A usage error unless ``seconds`` (a --lock-timeout) is a wait the stores can keep:
    from 0 to :data:`MAX_LOCK_TIMEOUT` seconds (NaN and infinity are not)."""
    if seconds is not None and not 0 <= seconds <= MAX_LOCK_TIMEOUT:
        from mktplan.errors import UsageError
        from mktplan.i18n import msg

        raise UsageError(
            msg("cli.lock_timeout_range", most=MAX_LOCK_TIMEOUT, given=f"{seconds:.15g}")
        )
