"""Consoles and message formatting shared by the commands. Colour only on a terminal;
NO_COLOR is honoured by rich itself.

rich is imported when something is printed: a quiet ingest from cron prints nothing and
need not pay for it (17 ms)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from mktplan.errors import Finding, MktplanError, Severity

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


_SPOKEN: list[str] = ["en"]  # the language the running command speaks; set once it is known


def speak(lang: str) -> str:
    """Make ``lang`` the language of this command's messages (errors included); returns it."""
    _SPOKEN[0] = lang
    return lang


def spoken() -> str:
    """The language this command speaks (en until :func:`speak` says otherwise)."""
    return _SPOKEN[0]


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@cache
def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def format_finding(
    finding: Finding, lang: str | None = None, *, through: int | None = None, rows: int = 1
) -> Text:
    """`file:line path: message` and an indented hint, as one styled block, in ``lang`` (the
    command's language when not given). ``through`` and ``rows``: the same finding on
    ``rows`` rows from its line through that one (`file:2–98 Date: … (97 rows)`)."""
    from rich.text import Text

    from mktplan.i18n import message

    lang = lang or spoken()
    finding = finding.in_lang(lang)
    text = Text()
    if finding.severity is Severity.ERROR:
        text.append(message("cli.error", lang) + " ", style="bold red")
    else:
        text.append(message("cli.warning", lang) + " ", style="bold yellow")
    where = finding.location(through)
    if where:
        text.append(f"{where}: ", style="bold")
    text.append(finding.message)
    if rows > 1:
        text.append(message("cli.same_in_rows", lang, n=rows))  # its own space, or none
    if finding.hint:
        text.append("\n    " + message("cli.hint_label", lang), style="cyan")
        text.append(finding.hint)
    return text


def format_error(exc: MktplanError, lang: str | None = None) -> Text:
    """`mktplan: file:line: message Hint: ….` in ``lang`` (the command's language when not
    given)."""
    from rich.text import Text

    from mktplan.i18n import message

    lang = lang or spoken()
    exc = exc.in_lang(lang)
    text = Text("mktplan: ", style="bold red")
    finding = exc.as_finding()
    where = finding.location()
    if where:
        text.append(f"{where}: ", style="bold")
    text.append(exc.message)
    if exc.hint:
        text.append(message("cli.error_hint", lang, hint=exc.hint), style="cyan")
    return text
