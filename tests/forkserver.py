"""A process that has imported the libraries once and forks a copy of itself for each
command a test runs (``conftest.run_cli``), instead of a new interpreter per command.

Each command still runs in a process of its own, through the real entry point (the
``mktplan.__main__`` module, run as ``python -m mktplan`` runs it), with its own working
folder, environment, arguments and standard streams, and its own exit code, signal and
teardown; only the interpreter's start-up and the libraries' imports are shared, not
mktplan's own modules (:func:`_import_libraries`). The suite starts about 1,300 commands:
their start-up was two thirds of its CPU time.

The server never runs a command itself, so nothing one command does reaches the next: each
child is forked from the same freshly imported state. What a fork cannot give a command is a
different start-up: settings Python or a library reads when the interpreter starts or a
module is imported (``PYTHON*``, the locale, ``TZ``, the console's size and colours, thread
counts). ``run_cli`` starts a new interpreter when a test changes one of them
(:func:`needs_fresh_start`), when it runs the command through another program (``prefix``),
and for every command when ``MKTPLAN_TEST_FRESH=1``.

The protocol, over two pipes: the test writes one JSON line (``args``, ``cwd``, ``env``,
``stdout``, ``stderr``: the files the command's streams go to, and ``failed``: where a child
that could not become the command says why); the server answers ``pid N`` once it has
forked, then ``exit CODE`` (negative for a signal, as :mod:`subprocess` reports it) when
the command has ended. The command's standard input is empty (``/dev/null``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Mapping

# settings read when the interpreter starts or a module is imported, not when a command runs
START_UP_PREFIXES = ("PYTHON", "PYDANTIC_", "LC_", "OPENBLAS_", "OMP_", "MKL_")
START_UP_NAMES = frozenset(
    {"LANG", "LANGUAGE", "TZ", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "HOME"}
)


def _start_up_setting(name: str) -> bool:
    return name in START_UP_NAMES or name.startswith(START_UP_PREFIXES)


def needs_fresh_start(server_env: Mapping[str, str], env: Mapping[str, str]) -> bool:
    """Whether a command with ``env`` must start its own interpreter: a setting read at
    start-up differs from the one the server started with."""
    names = {name for name in (*server_env, *env) if _start_up_setting(name)}
    return any(server_env.get(name) != env.get(name) for name in names)


def _import_libraries() -> None:
    """Import the libraries the commands import, then forget mktplan's own modules.

    Every module of the package is imported, as the commands would (the ingest package
    first: it caps OpenBLAS's threads before numpy is imported), so that every library they
    use, and its submodules, is loaded once here. mktplan's own modules are then dropped
    from ``sys.modules``: each command imports them again itself, as a new interpreter
    does, so a command that uses a module of ours it never imported still fails in the
    tests (with all of them loaded, it would find it by chance). That costs a command
    0.02-0.12 s; the libraries were 0.3 s."""
    import importlib
    import pkgutil

    import mktplan

    importlib.import_module("mktplan.ingest")
    importlib.import_module("mktplan.cli")
    for module in pkgutil.walk_packages(mktplan.__path__, "mktplan."):
        if module.name != "mktplan.__main__":
            importlib.import_module(module.name)
    for name in [name for name in sys.modules if name.partition(".")[0] == "mktplan"]:
        del sys.modules[name]


def _serve(requests: int, answers: int) -> bool:
    """Answer requests until the test closes the pipe; return True in a forked child, once
    it has become its request's command (it then runs as this program's main)."""
    import gc

    gc.collect()
    gc.freeze()  # the children do not copy the imported objects' pages by touching them
    reader = os.fdopen(requests, "r", encoding="utf-8")
    for line in reader:
        request: dict[str, object] = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            reader.close()
            os.close(answers)
            _become(request)
            return True
        os.write(answers, f"pid {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(answers, f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
    return False


def _become(request: Mapping[str, object]) -> None:
    """Give this child the command's folder, environment, arguments and streams; if it
    cannot have them, write why to the request's ``failed`` file and end."""
    try:
        cwd = str(request["cwd"])
        env = request["env"]
        args = request["args"]
        assert isinstance(env, dict)
        assert isinstance(args, list)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(str(request["stdout"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(str(request["stderr"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for fd, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as a new interpreter's
        sys.path[0] = cwd  # as `python -m` puts the working folder first
        sys.argv = ["-m", *map(str, args)]
    except BaseException:  # reported to the test, which raises it
        import traceback

        with open(str(request["failed"]), "w", encoding="utf-8") as failed:
            failed.write(traceback.format_exc())
        os._exit(70)


def _end_with_the_test() -> None:
    """Die with the test process that started this one (Linux), and leave Ctrl-C to it: a
    command that hangs must not keep this process waiting for it after the test is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    # the pipes to the test are moved off 0 and 1, so that nothing printed reaches them
    requests, answers = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    _end_with_the_test()
    _import_libraries()
    if not _serve(requests, answers):
        sys.exit(0)
    import runpy

    runpy.run_module("mktplan", run_name="__main__", alter_sys=True)
