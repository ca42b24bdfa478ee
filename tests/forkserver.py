"""A process that has imported mktplan once and forks a copy of itself for each command a
test runs (``conftest.run_cli``), instead of a new interpreter per command.

Each command still runs in a process of its own, through the real entry point (the
``mktplan.__main__`` module, run as ``python -m mktplan`` runs it), with its own working
folder, environment, arguments and standard streams, and its own exit code, signal and
teardown; only the half second of interpreter start-up and imports is shared. The suite
starts about 1,300 commands: that start-up was two thirds of its CPU time.

The server never runs a command itself, so nothing one command does reaches the next: each
child is forked from the same freshly imported state. What a fork cannot give a command is a
different start-up: settings Python or a library reads when the interpreter starts or a
module is imported (``PYTHON*``, the locale, ``TZ``, the console's size and colours, thread
counts). ``run_cli`` starts a new interpreter when a test changes one of them
(:func:`needs_fresh_start`), when it runs the command through another program (``prefix``),
and for every command when ``MKTPLAN_TEST_FRESH=1``.

The protocol, over two pipes: the test writes one JSON line (``args``, ``cwd``, ``env``,
``stdout``, ``stderr``: the files the command's streams go to); the server answers
``pid N`` once it has forked, then ``exit CODE`` (negative for a signal, as
:mod:`subprocess` reports it) when the command has ended.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping

# settings read when the interpreter starts or a module is imported, not when a command runs
START_UP_PREFIXES = ("PYTHON", "LC_", "OPENBLAS_", "OMP_", "MKL_")
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


def _import_everything() -> None:
    """Import what the commands import, as the commands themselves would: the ingest
    package first (it caps OpenBLAS's threads before numpy is imported), then the command
    line, then every other module of the package."""
    import importlib
    import pkgutil

    import mktplan

    importlib.import_module("mktplan.ingest")
    importlib.import_module("mktplan.cli")
    for module in pkgutil.walk_packages(mktplan.__path__, "mktplan."):
        if module.name != "mktplan.__main__":
            importlib.import_module(module.name)


def _serve(requests: int, answers: int, set_by_imports: Mapping[str, str]) -> bool:
    """Answer requests until the test closes the pipe; return True in a forked child, once
    it has become its request's command (it then runs as this program's main)."""
    import gc

    gc.collect()
    gc.freeze()  # the children do not copy the imported objects' pages by touching them
    reader = os.fdopen(requests, "r", encoding="utf-8")
    for line in reader:
        request: dict[str, object] = json.loads(line)
        pid = os.fork()
        if pid == 0:
            reader.close()
            os.close(answers)
            _become(request, set_by_imports)
            return True
        os.write(answers, f"pid {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(answers, f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
    return False


def _become(request: Mapping[str, object], set_by_imports: Mapping[str, str]) -> None:
    """Give this child the command's folder, environment, arguments and streams."""
    cwd = str(request["cwd"])
    env = request["env"]
    args = request["args"]
    assert isinstance(env, dict)
    assert isinstance(args, list)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for name, value in set_by_imports.items():  # as the command's own imports would
        os.environ.setdefault(name, value)
    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(str(request["stdout"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(str(request["stderr"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for fd, target in ((null, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    sys.path[0] = cwd  # as `python -m` puts the working folder first
    sys.argv = ["-m", *map(str, args)]


if __name__ == "__main__":
    # the pipes to the test are moved off 0 and 1, so that nothing printed reaches them
    requests, answers = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    before = dict(os.environ)
    _import_everything()
    set_by_imports = {name: value for name, value in os.environ.items() if name not in before}
    if not _serve(requests, answers, set_by_imports):
        sys.exit(0)
    import runpy

    runpy.run_module("mktplan", run_name="__main__", alter_sys=True)
