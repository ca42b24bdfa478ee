"""Shared fixtures: the bundled example plans and a way to run the real CLI."""

from __future__ import annotations

import atexit
import io
import json
import locale
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# imported before the commands' environment is taken (command_env below): their imports set
# two start-up settings (OpenBLAS's threads, pydantic's plugins) that every command sets too
import mktplan.cli
import mktplan.ingest  # noqa: F401
from tests.forkserver import needs_fresh_start

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"

# a test's inbox files are written just before its cron run: they need no settling (the
# tests of settling give --settle, which wins over this)
os.environ["MKTPLAN_CRON_SETTLE"] = "0"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


COMMAND_TIMEOUT = 300  # seconds
START_TIMEOUT = 120  # seconds for tests/forkserver.py to start (its imports) and fork


def run_cli(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
) -> Run:
    """Run the real entry point in a process of its own, as a user would (forked from one
    that has imported the libraries already, see tests/forkserver.py); ``prefix`` is a command
    that runs it (setpriv, to drop root's right to read any file)."""
    full_env = command_env(env)
    forked = not (prefix or _FORKS.fresh or needs_fresh_start(_FORKS.env, full_env))
    if forked and _FORKS.lock.acquire(blocking=False):
        try:
            return _FORKS.run([str(arg) for arg in args], cwd or Path.cwd(), full_env)
        finally:
            _FORKS.lock.release()
    return run_fresh(*args, cwd=cwd, env=full_env, prefix=prefix)


def run_fresh(
    *args: str | os.PathLike[str],
    cwd: Path | None,
    env: dict[str, str],
    prefix: Sequence[str] = (),
) -> Run:
    """Run the entry point in a new interpreter, ``python -m mktplan``, with exactly ``env``."""
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "mktplan", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def command_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a command a test runs: this one's, without colour, 200 columns
    wide, with no store or language of the tester's own."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    full_env.pop("MKTPLAN_STORE", None)
    full_env.pop("MKTPLAN_LANG", None)  # a test names the language it expects
    if env:
        full_env.update(env)
    return full_env


class _ForkServer:
    """This test process's tests/forkserver.py, started at its first command (and again
    after anything went wrong with it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.env = command_env()
        self.fresh = os.environ.get("MKTPLAN_TEST_FRESH") == "1" or not hasattr(os, "fork")
        self.proc: subprocess.Popen[bytes] | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="mktplan-test-forks-"))
        atexit.register(self.close)

    def run(self, args: list[str], cwd: Path, env: dict[str, str]) -> Run:
        files = {name: self.folder / name for name in ("stdout", "stderr", "failed")}
        for path in files.values():
            path.unlink(missing_ok=True)
        request = {"args": args, "cwd": str(cwd.absolute()), "env": env}
        request.update({name: str(path) for name, path in files.items()})
        proc = self._started()
        try:
            _write_all(proc, json.dumps(request).encode() + b"\n")
            pid = int(self._answer(proc, "pid", START_TIMEOUT))
            try:
                code = int(self._answer(proc, "exit", COMMAND_TIMEOUT))
            except subprocess.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)
                raise
        except BaseException:  # a timeout, Ctrl-C, a server gone: start a new one next time
            self._stop()
            raise
        if files["failed"].exists():
            raise RuntimeError(
                f"the forked command could not start:\n{files['failed'].read_text()}"
            )
        return Run(code, _text(files["stdout"].read_bytes()), _text(files["stderr"].read_bytes()))

    def _started(self) -> subprocess.Popen[bytes]:
        if self.proc is not None and self.proc.poll() is None:
            return self.proc
        with open(self.folder / "server.log", "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("forkserver.py"))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                bufsize=0,  # unbuffered: a line read is never more than the line
                cwd=ROOT,
                env=self.env,
            )
        return self.proc

    def _answer(self, proc: subprocess.Popen[bytes], word: str, timeout: float) -> str:
        assert proc.stdout is not None
        if not select.select([proc.stdout], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(word, timeout)
        line = proc.stdout.readline().decode()
        if not line.startswith(word + " "):
            log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"tests/forkserver.py answered {line!r}, not {word}:\n{log}")
        return line.split(" ", 1)[1]

    def _stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _write_all(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    view = memoryview(data)
    while view:
        written = proc.stdin.write(view)
        view = view[written or 0 :]


def _text(data: bytes) -> str:
    """Bytes as ``subprocess.run(text=True)`` reads them: the locale's encoding, universal
    newlines."""
    encoding = locale.getpreferredencoding(False)
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding).read()


_FORKS = _ForkServer()


@pytest.fixture
def cli() -> type[Run]:
    return Run


@pytest.fixture
def q3_plan() -> Path:
    return PLANS / "q3-2023-growth.yaml"


@pytest.fixture
def launch_plan() -> Path:
    return PLANS / "2024-06-launch.yaml"


# --- stores on both backends -------------------------------------------------------------

PG_URL_ENV = "MKTPLAN_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server for the whole session: ``MKTPLAN_TEST_PG_URL`` (any database of a
    server where the user may CREATE DATABASE), else one pgserver starts in a temp folder.
    Under pytest-xdist every worker is a session of its own, so each starts its own server
    in its own folder (a unix socket there, no port to share); tests make databases with
    random names, so workers sharing MKTPLAN_TEST_PG_URL's server never meet either."""
    given = os.environ.get(PG_URL_ENV, "").strip()
    if given:
        yield given
        return
    # not under pytest's basetemp: a concurrent pytest session prunes old numbered folders
    # there, which would delete the data directory under the running server
    data = Path(tempfile.mkdtemp(prefix="mktplan-test-pg-"))
    # pgserver takes its lock file's folder from platformdirs' user runtime folder when it is
    # imported, which warns (once per worker) where XDG_RUNTIME_DIR is unset, as in containers
    # and cron: give the import a private one
    runtime = (
        None if os.environ.get("XDG_RUNTIME_DIR") else tempfile.mkdtemp(prefix="mktplan-test-run-")
    )
    if runtime is not None:
        os.environ["XDG_RUNTIME_DIR"] = runtime
    try:
        import pgserver  # the dev extra installs it; scripts/bootstrap installs the dev extra

        server = pgserver.get_server(data, cleanup_mode="stop")
        try:
            yield str(server.get_uri())
        finally:
            server.cleanup()
    finally:
        if runtime is not None:
            os.environ.pop("XDG_RUNTIME_DIR", None)
            shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Backend:
    """Where a test's stores live: ``new()`` gives the --store value of an empty store."""

    name: str
    tmp_path: Path
    server: str | None
    created: list[str]
    one: str | None = None

    def shared(self) -> str:
        """The same store on every call (for the examples of a hypothesis test)."""
        if self.one is None:
            self.one = self.new("shared")
        return self.one

    def new(self, label: str = "store") -> str:
        if self.server is None:
            return str(self.tmp_path / f"{label}-{len(self.created)}.sqlite")
        import psycopg

        database = f"mk_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return with_database(self.server, database)

    def drop_all(self) -> None:
        if self.server is None or not self.created:
            return
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as admin:
            for database in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each test that asks for it runs on a SQLite file and on a fresh PostgreSQL database."""
    server = request.getfixturevalue("pg_server_url") if request.param == "postgres" else None
    chosen = Backend(str(request.param), tmp_path, server, [])
    try:
        yield chosen
    finally:
        chosen.drop_all()
