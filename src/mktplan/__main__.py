"""The entry point of `mktplan` and `python -m mktplan`.

Ctrl-C is handled from the first line, before any import of ours or of the command line's
libraries (typer, pydantic take half a second): until the command runs, it ends the process
with the one line of :mod:`mktplan.interrupt`, which then takes over.
"""

import _signal  # type: ignore[import-not-found]  # the C module behind `signal`: no stubs
import os
import types


def _interrupted_at_start(signum: int, frame: types.FrameType | None) -> None:
    os.write(2, b"mktplan: interrupted\n")  # interrupt.MESSAGE, not importable yet
    os._exit(130)


_signal.signal(_signal.SIGINT, _interrupted_at_start)


def main() -> None:
    from mktplan import interrupt

    interrupt.install()
    from mktplan.cli import main as run_command_line

    run_command_line()


if __name__ == "__main__":
    main()
