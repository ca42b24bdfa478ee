"""Ctrl-C at any moment: one line on standard error and exit 130, never a traceback.

:func:`install` runs first thing in the entry point, before the heavy imports. Until the
command is :data:`armed`, an interrupt ends the process at once (nothing has been written
yet); while it runs, the interrupt is raised as :class:`Interrupted` so transactions roll
back and files are cleaned up on the way out. It is not ``KeyboardInterrupt``, which click
turns into "Aborted!" and exit 1. Imports only what the interpreter has loaded already
(``_signal``, not ``signal``, whose enums take longer to build than the window they guard).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module behind `signal`: no stubs
import os
import sys
import types  # loaded by the interpreter's start already, unlike typing

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
MESSAGE = "mktplan: interrupted"


class Interrupted(BaseException):  # like KeyboardInterrupt, not an error
    """Ctrl-C (SIGINT) while a command runs."""


class _Armed:
    """``with armed:`` an interrupt raises :class:`Interrupted`; outside, it exits at once."""

    active = False

    def __enter__(self) -> None:
        self.active = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.active = False


armed = _Armed()

# Said instead of MESSAGE once a command's changes are committed: nothing was rolled back
STORED_MESSAGE = "mktplan: interrupted after its changes were stored"
stored_changes = False  # the running command's changes are committed (see Hold)


class Hold:
    """An interrupt held back over a commit, so that the user is told the truth::

        with interrupt.Hold(stored=not dry_run) as hold:
            ...                      # the writes; a Ctrl-C here is raised at once
            hold.start()             # right before the commit
            commit()

    A Ctrl-C landing while the commit runs, or just after it, is raised once the block is
    over, and then says the changes were stored when they were (``stored``, once the block
    ended without an error). A block that fails shows its own error, unless that error was
    raised while a Ctrl-C unwound it (a rollback that failed after the interrupt: psycopg's
    "cannot exit pipeline mode while busy"), which is the interrupt."""

    held = False
    pending = False

    def __init__(self, *, stored: bool) -> None:
        self.stored = stored

    def __enter__(self) -> Hold:
        return self

    def start(self) -> None:
        Hold.held, Hold.pending = True, False

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        global stored_changes
        pending = Hold.pending
        Hold.held = Hold.pending = False
        if exc is not None:
            if not isinstance(exc, Interrupted) and _while_interrupted(exc):
                raise Interrupted from None
            return
        if self.stored:
            stored_changes = True
        if pending:
            raise Interrupted


def _while_interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while an :class:`Interrupted` was being handled, however
    many errors were raised in between."""
    seen = exc.__context__
    while seen is not None:
        if isinstance(seen, Interrupted):
            return True
        seen = seen.__context__
    return False


def _on_interrupt(signum: int, frame: types.FrameType | None) -> None:
    if armed.active:
        if Hold.held:
            Hold.pending = True  # raised when the commit is over
            return
        raise Interrupted
    os.write(2, f"{MESSAGE}\n".encode())
    os._exit(EXIT_INTERRUPTED)


def _on_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An :class:`Interrupted` raised where it cannot propagate (a ``__del__``, a callback
    from C code such as pydantic-core compiling a pattern) would be printed as "Exception
    ignored in …" with a traceback and lost: deliver the interrupt again a millisecond later
    (a timer's SIGALRM, handled as SIGINT), so it is raised where it can travel up from (a
    signal sent from here would be handled inside this hook, where it is lost the same way).
    Anything else goes to the usual hook."""
    if isinstance(unraisable.exc_value, Interrupted):
        _signal.signal(_signal.SIGALRM, _on_interrupt)
        _signal.setitimer(_signal.ITIMER_REAL, 0.001)
        return
    sys.__unraisablehook__(unraisable)


def install() -> None:
    """Handle SIGINT from now on (in the main thread of the mktplan process only)."""
    _signal.signal(_signal.SIGINT, _on_interrupt)
    sys.unraisablehook = _on_unraisable
