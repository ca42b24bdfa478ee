"""One family of user-facing errors, and findings: problems collected as values.

Every failure a user can meet is either a :class:`Finding` in a list (validation, rejected
ingest rows) or a :class:`MktplanError` raised once; the CLI turns both into a message with
file, line and field, and an exit code. Nothing else may reach the user.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mktplan.i18n import Msg

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_ALERTS = 3
# the store could not be used (locked too long, disk full, server down, damaged, newer):
# nothing was written and the input was not judged, so running again later may succeed
EXIT_STORE = 4
# standard output was closed by its reader (`mktplan report | head -1`): 128 + SIGPIPE, as
# shells report a command the closed pipe ended; what went to files and the store stands
EXIT_PIPE = 141


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found in a file: where it is, what is wrong, how to fix it."""

    message: str
    file: str | None = None
    path: str = ""  # field path such as "modules[0].goal", or a CSV column name
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    hint: str | None = None
    severity: Severity = Severity.ERROR
    code: str = "invalid"
    # the catalogue sentences behind message and hint, rendered again by in_lang
    text: Msg | None = dataclasses.field(default=None, compare=False, repr=False)
    hint_text: Msg | None = dataclasses.field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        message: str | Msg,
        hint: str | Msg | None = None,
        *,
        file: str | None = None,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
        severity: Severity = Severity.ERROR,
        code: str = "invalid",
    ) -> Finding:
        """A finding whose message and hint may be catalogue sentences (shown in English
        until :meth:`in_lang` picks another language)."""
        text, shown = _rendered(message)
        hint_text, hint_shown = _rendered(hint)
        return cls(
            message=shown or "",
            file=file,
            path=path,
            line=line,
            column=column,
            hint=hint_shown,
            severity=severity,
            code=code,
            text=text,
            hint_text=hint_text,
        )

    def in_lang(self, lang: str) -> Finding:
        """This finding with its message and hint in ``lang`` (codes stay as they are)."""
        if self.text is None and self.hint_text is None:
            return self
        return dataclasses.replace(
            self,
            message=self.text.render(lang) if self.text is not None else self.message,
            hint=self.hint_text.render(lang) if self.hint_text is not None else self.hint,
        )

    def location(self, through: int | None = None) -> str:
        """`file:line path` as far as it is known; `file:line–through path` for the same
        finding on several lines."""
        where = self.file or ""
        if self.line is not None:
            lines = f"{self.line}–{through}" if through not in (None, self.line) else self.line
            where = f"{where}:{lines}" if where else f"line {lines}"
        if self.path:
            where = f"{where} {self.path}" if where else self.path
        return where

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
        }


class InvalidValue(ValueError):
    """A value a model validator refuses, with the catalogue sentence saying why (pydantic
    hands the exception on in its error's context, so the finding can be written in any
    language)."""

    def __init__(self, text: Msg) -> None:
        super().__init__(text.render("en"))
        self.text = text


class MktplanError(Exception):
    """An error meant for the user; carries a location and an exit code."""

    exit_code = EXIT_INVALID

    def __init__(
        self,
        message: str | Msg,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str = "",
        hint: str | Msg | None = None,
        findings: list[Finding] | None = None,
    ) -> None:
        self.text, shown = _rendered(message)
        self.hint_text, self.hint = _rendered(hint)
        self.message: str = shown or ""
        super().__init__(self.message)
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.findings = findings or []

    def as_finding(self) -> Finding:
        return Finding(
            message=self.message,
            file=self.file,
            path=self.path,
            line=self.line,
            column=self.column,
            hint=self.hint,
            text=self.text,
            hint_text=self.hint_text,
        )

    def in_lang(self, lang: str) -> MktplanError:
        """A copy of this error with its message, hint and findings in ``lang``."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.args = self.args
        if self.text is not None:
            copy.message = self.text.render(lang)
        if self.hint_text is not None:
            copy.hint = self.hint_text.render(lang)
        copy.findings = [f.in_lang(lang) for f in self.findings]
        return copy


class PlanError(MktplanError):
    """The plan file cannot be read or is not a valid plan."""


class IngestError(MktplanError):
    """An export cannot be read or mapped; the store is left untouched."""


class StoreError(MktplanError):
    """The store refused what the input asks of it (a KPI and day twice in one file, values
    that cannot be stored or summed exactly): the input's fault, exit 1. A store that
    cannot be used at all raises :class:`StoreUnavailable`."""


class StoreUnavailable(StoreError):
    """The store could not be used (locked past the lock timeout, disk full, server
    unreachable, damaged, from a newer mktplan, no permission): nothing was written and the
    input was not judged, so the same command may succeed later. Exit 4."""

    exit_code = EXIT_STORE


class ReportError(MktplanError):
    """A report cannot be computed or written."""


class UsageError(MktplanError):
    """The command line itself is wrong."""

    exit_code = EXIT_USAGE


def _rendered(value: str | Msg | None) -> tuple[Msg | None, str | None]:
    """(the catalogue sentence or None, the text shown in English)."""
    if value is None or isinstance(value, str):
        return None, value
    return value, value.render("en")


# Longest cell text echoed in a message: enough to recognise it, never a wall of text.
ECHO_LIMIT = 80


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to about ``limit`` characters for a message, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"
