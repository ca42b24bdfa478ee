"""The entry point of `mktplan` and `python -m mktplan`.

Ctrl-C is handled from the first line, before any import of ours or of the command line's
libraries (typer, pydantic take half a second): until the command runs, it ends the process
with the one line of :mod:`mktplan.interrupt`, which then takes over.

The cyclic garbage collector runs rarely (:data:`GC_THRESHOLD`): a command is one short
process that makes millions of small objects and almost no cycles, and with Python's default
(a pass every 700 new container objects, a full pass over every live one every 100 of those)
the passes over the plan, the evaluation and the imported modules were a fifth of a
2,000-KPI report's CPU time (docs/performance.md). mypy's build sets the same.

An ingest starts reading its exports' bytes (their hash, see :mod:`mktplan.ingest.scan`) on
a thread here, while the command line's libraries are imported on this one.

Once the command is done and its output flushed, the process ends without tearing the
interpreter down (:func:`os._exit`, as mypy's ``hard_exit``): freeing a big report's objects
one by one took 0.07 s, and nothing is left to close (files, stores and threads end with their
commands). Under a profiler, a coverage tool or a debugger, which write their findings as
Python exits, the process exits the usual way.
"""

# The handler is set before anything else runs here: `_signal` and `os` are loaded by the
# interpreter's start already (two lookups), while even a built-in module's first import
# (gc) took long enough for a Ctrl-C to land in it, with a traceback through this file.
import _signal  # type: ignore[import-not-found]  # the C module behind `signal`: no stubs
import os


def _interrupted_at_start(signum: int, frame: object) -> None:
    os.write(2, b"mktplan: interrupted\n")  # interrupt.MESSAGE, not importable yet
    os._exit(130)


_signal.signal(_signal.SIGINT, _interrupted_at_start)

import gc  # noqa: E402  (after the handler, see above)
import sys  # noqa: E402

GC_THRESHOLD = (200_000, 30, 30)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLD)  # before the imports: they make objects too
    from mktplan import interrupt

    interrupt.install()
    if sys.argv[1:2] == ["ingest"]:  # its exports are read beside the imports below
        from mktplan.ingest.scan import start_early

        start_early(sys.argv[1:])
    from mktplan.cli import main as run_command_line

    try:
        run_command_line()
    except SystemExit as done:
        from mktplan.errors import EXIT_PIPE  # imported by the command line already

        code = 0 if done.code is None else done.code
        flushed = _flushed()
        if isinstance(code, int) and _observed_by_nobody():
            # output its reader closed (`| head -1`) ends a command that did its work with
            # 141, as shells report it, not 1 ("invalid input"); a failure keeps its own code
            os._exit(code if flushed or code != 0 else EXIT_PIPE)
        raise  # a message for an exit code, or a profiler's file to write: Python's way


def _observed_by_nobody() -> bool:
    """Whether no profiler, tracer or debugger is set (cProfile writes its file at exit)."""
    return sys.getprofile() is None and sys.gettrace() is None


def _flushed() -> bool:
    """Whether everything written to standard output and error reached them."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe or stream
        return False
    return True


if __name__ == "__main__":
    main()
