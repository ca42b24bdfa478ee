"""Consoles and message formatting shared by the commands. Colour only on a terminal;
NO_COLOR is honoured by rich itself.

rich is imported when something is printed: a quiet ingest from cron prints nothing and
need not pay for it (17 ms)."""

from __future__ import annotations

import contextlib
import sys
from functools import cache
from typing import TYPE_CHECKING, NoReturn

from mktplan.errors import EXIT_PIPE, Finding, MktplanError, Severity

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


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (not when it is closed: `>&-`)."""
    return sys.stdout is not None and sys.stdout.isatty()


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output; a closed one (`>&-`) is a pipe its reader closed."""
    if sys.stdout is None:
        closed_pipe()
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        closed_pipe()


def closed_pipe() -> NoReturn:
    """End the command whose standard output's reader closed the pipe: exit 141 (click and
    rich would exit 1, which says "invalid input"), nothing more written there."""
    import os

    if sys.stdout is not None:
        with contextlib.suppress(OSError, ValueError):  # a stream of a test, not a file
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(EXIT_PIPE)


@cache
def console() -> Console:
    return _console(stderr=False)


@cache
def error_console() -> Console:
    return _console(stderr=True)


# rich's own width when it knows none (COLUMNS=0 made it print nothing at all, errors too)
_FALLBACK_WIDTH = 80


def _console(*, stderr: bool) -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            closed_pipe()

    made = _Console(stderr=stderr, highlight=False, soft_wrap=True)
    if made.width < 1:
        made.width = _FALLBACK_WIDTH
    return made


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
