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


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@cache
def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def format_finding(finding: Finding) -> Text:
    """`file:line path: message` and an indented hint, as one styled block."""
    from rich.text import Text

    text = Text()
    if finding.severity is Severity.ERROR:
        text.append("error ", style="bold red")
    else:
        text.append("warning ", style="bold yellow")
    where = finding.location()
    if where:
        text.append(f"{where}: ", style="bold")
    text.append(finding.message)
    if finding.hint:
        text.append("\n    hint: ", style="cyan")
        text.append(finding.hint)
    return text


def format_error(exc: MktplanError) -> Text:
    from rich.text import Text

    text = Text("mktplan: ", style="bold red")
    finding = exc.as_finding()
    where = finding.location()
    if where:
        text.append(f"{where}: ", style="bold")
    text.append(exc.message)
    if exc.hint:
        text.append(f" Hint: {exc.hint}.", style="cyan")
    return text
