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


def _on_interrupt(signum: int, frame: types.FrameType | None) -> None:
    if armed.active:
        raise Interrupted
    os.write(2, f"{MESSAGE}\n".encode())
    os._exit(EXIT_INTERRUPTED)


def install() -> None:
    """Handle SIGINT from now on (in the main thread of the mktplan process only)."""
    _signal.signal(_signal.SIGINT, _on_interrupt)
