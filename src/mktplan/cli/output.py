"""Consoles and message formatting shared by the commands. Colour only on a terminal;
NO_COLOR is honoured by rich itself."""

from __future__ import annotations

from functools import cache

from rich.console import Console
from rich.text import Text

from mktplan.errors import Finding, MktplanError, Severity


@cache
def console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@cache
def error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def format_finding(finding: Finding) -> Text:
    """`file:line path: message` and an indented hint, as one styled block."""
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
    text = Text("mktplan: ", style="bold red")
    finding = exc.as_finding()
    where = finding.location()
    if where:
        text.append(f"{where}: ", style="bold")
    text.append(exc.message)
    if exc.hint:
        text.append(f" Hint: {exc.hint}.", style="cyan")
    return text
