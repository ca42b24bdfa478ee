"""One family of user-facing errors, and findings: problems collected as values.

Every failure a user can meet is either a :class:`Finding` in a list (validation, rejected
ingest rows) or a :class:`MktplanError` raised once; the CLI turns both into a message with
file, line and field, and an exit code. Nothing else may reach the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_ALERTS = 3


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

    def location(self) -> str:
        """`file:line path` as far as it is known."""
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
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


class MktplanError(Exception):
    """An error meant for the user; carries a location and an exit code."""

    exit_code = EXIT_INVALID

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str = "",
        hint: str | None = None,
        findings: list[Finding] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.hint = hint
        self.findings = findings or []

    def as_finding(self) -> Finding:
        return Finding(
            message=self.message,
            file=self.file,
            path=self.path,
            line=self.line,
            column=self.column,
            hint=self.hint,
        )


class PlanError(MktplanError):
    """The plan file cannot be read or is not a valid plan."""


class IngestError(MktplanError):
    """An export cannot be read or mapped; the store is left untouched."""


class StoreError(MktplanError):
    """The store cannot be opened, is locked too long, or is from a newer mktplan."""


class ReportError(MktplanError):
    """A report cannot be computed or written."""


class UsageError(MktplanError):
    """The command line itself is wrong."""

    exit_code = EXIT_USAGE


# Longest cell text echoed in a message: enough to recognise it, never a wall of text.
ECHO_LIMIT = 80


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to about ``limit`` characters for a message, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"
