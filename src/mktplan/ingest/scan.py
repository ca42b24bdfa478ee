"""One read of each export's bytes beside the reading of its rows: their sha256 (the file's
identity in the store: a file ingested before is not parsed again), their double quotes
(whether a value may hold a line break, for the whole-file CSV readers) and the first run of
NUL bytes (padding or binary data: the file is refused). A scan done before the rows are read
(the usual export, scanned while the imports load) settles all three first; a big export's
rows are read block by block while its scan goes on (:mod:`mktplan.ingest.pipeline`).

The read runs on a thread of its own: hashlib and the file reads let go of the GIL, so it
takes the other core while the main thread works. For `mktplan ingest` it starts from the
entry point (:func:`start_early`), before the command line's libraries are imported (half a
second of one core), and :class:`FileScans` takes those scans over when the files are still
the ones scanned; other files are scanned from the start of the call.

Standard library only: the entry point imports this module before anything else of ours.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

# This many zero bytes in a row are padding or binary data, never text: a NUL character or a
# few in a note are kept as written, and UTF-16 text has at most two zero bytes in a row.
NUL_RUN = 256
_NULS = b"\0" * NUL_RUN

# Bytes read at a time: few enough reads that the thread seldom waits for the GIL while the
# main thread imports (a MiB at a time, the scan of a 292 MB export took 0.88 s beside the
# imports instead of 0.35 s alone; 16 MiB at a time, 0.48 s)
CHUNK = 1 << 24


class NulRun:
    """Finds the first run of :data:`NUL_RUN` zero bytes in a file fed chunk by chunk (runs
    across chunks included), at the speed of ``bytes.find``."""

    def __init__(self) -> None:
        self.seen = 0
        self.tail = b""
        self.offset: int | None = None  # the file offset where the first run starts

    def feed(self, chunk: bytes | bytearray) -> int | None:
        """Take the next chunk; the offset of the first run found so far, or None."""
        if self.offset is None and b"\0" in chunk:
            window = self.tail + chunk
            found = window.find(_NULS)
            if found >= 0:
                self.offset = self.seen - len(self.tail) + found
            self.tail = window[-(NUL_RUN - 1) :]
        elif self.offset is None:  # no zero byte here (memchr): a run cannot span it
            self.tail = b""
        self.seen += len(chunk)
        return self.offset


class QuoteCount:
    """The double quotes of a file fed block by block: (in all, in its first line)."""

    def __init__(self) -> None:
        self.total = 0
        self.first_line = 0
        self._in_first_line = True

    def feed(self, block: bytes | bytearray) -> None:
        if b'"' not in block:  # memchr: most exports quote nothing, and counting is slower
            self._in_first_line = self._in_first_line and b"\n" not in block
            return
        self.total += block.count(b'"')
        if self._in_first_line:
            end = block.find(b"\n")
            self.first_line += block[: None if end < 0 else end].count(b'"')
            self._in_first_line = end < 0

    @property
    def counts(self) -> tuple[int, int]:
        return self.total, self.first_line


@dataclass(frozen=True)
class FileScan:
    """What one read of a file found: the hex sha256 of its bytes ('' when the read was
    stopped), its quote counts (:class:`QuoteCount`) and the offset of its first NUL run."""

    sha256: str
    quotes: tuple[int, int]
    nul_offset: int | None


class Unreadable(Exception):
    """The file could not be read: the system's reason, for the caller's message."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def scan_file(path: Path, stop: threading.Event | None = None) -> FileScan:
    """Read ``path`` once, up to :data:`CHUNK` bytes at a time (stopping early, with an empty
    hash, once ``stop`` is set); :class:`Unreadable` when the system refuses."""
    digest = hashlib.sha256()
    quotes = QuoteCount()
    nuls = NulRun()
    try:
        with path.open("rb") as fh:
            # no bigger than the file: a folder of small exports zeroes no 16 MiB each
            buffer = bytearray(max(1, min(CHUNK, os.fstat(fh.fileno()).st_size + 1)))
            while read := fh.readinto(buffer):
                if stop is not None and stop.is_set():
                    return FileScan("", quotes.counts, nuls.offset)
                chunk = buffer if read == len(buffer) else buffer[:read]
                digest.update(chunk)  # lets go of the GIL
                quotes.feed(chunk)
                nuls.feed(chunk)
    except OSError as exc:
        raise Unreadable(str(exc.strerror or exc)) from None
    return FileScan(digest.hexdigest(), quotes.counts, nuls.offset)


# A file as scanned: the same device, inode, size and modification time mean the same bytes
# for a scan taken moments before (the ingest reads them again, as it always has); cron moves
# an export only while its name still holds the file its ingest read.
FileIdentity = tuple[int, int, int, int]


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of a regular file; None for anything else (a pipe is read once only, by
    the pipeline's copy) or a path the system refuses (the reader says why)."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


class _Scanner:
    """Scans files one after the other on a daemon thread (it never holds up the process's
    exit), each result a future."""

    def __init__(self, name: str) -> None:
        self.stop = threading.Event()
        self._name = name
        self._queue: list[tuple[Path, Future[FileScan]]] = []
        self._thread: threading.Thread | None = None

    def submit(self, path: Path) -> Future[FileScan]:
        future: Future[FileScan] = Future()
        self._queue.append((path, future))
        return future

    def start(self) -> None:
        if self._queue:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        for path, future in self._queue:
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(scan_file(path, self.stop))
            except BaseException as exc:  # handed to the caller waiting for it
                future.set_exception(exc)

    def close(self) -> None:
        self.stop.set()
        for _, future in self._queue:
            future.cancel()
        if self._thread is not None:
            self._thread.join()


# Scans started by the entry point, by identity (see start_early)
_early: dict[FileIdentity, Future[FileScan]] = {}
_early_scanner: _Scanner | None = None

# `mktplan ingest`'s options: those that take a value and the flags (a test holds these to
# the command's own options)
INGEST_VALUE_OPTIONS = frozenset(
    {"--source", "-s", "--store", "--encoding", "--sheet", "--lock-timeout", "--lang"}
)
INGEST_FLAGS = frozenset(
    {
        "--dry-run",
        "--skip-invalid",
        "--log-refusal",
        "--force",
        "--quiet",
        "-q",
        "--history",
        "--help",
        "-h",
    }
)


def ingest_exports(argv: Sequence[str]) -> list[str]:
    """The export paths of an `ingest` command line (``argv`` without the program name):
    the positional arguments after the plan. Nothing for another command, or a line with an
    option this does not know (the command line's parser then says what is wrong)."""
    if not argv or argv[0] != "ingest":
        return []
    positional: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            positional.extend(args)
            break
        if arg.startswith("--"):
            name = arg.split("=", 1)[0]
            if name not in INGEST_VALUE_OPTIONS and name not in INGEST_FLAGS:
                return []
            if "=" not in arg and name in INGEST_VALUE_OPTIONS:
                next(args, None)
        elif arg.startswith("-") and arg != "-":
            for i, letter in enumerate(arg[1:], start=1):
                short = "-" + letter
                if short in INGEST_VALUE_OPTIONS:
                    if i == len(arg) - 1:  # its value is the next argument
                        next(args, None)
                    break  # else the rest of this argument is the value
                if short not in INGEST_FLAGS:
                    return []
        else:
            positional.append(arg)
    return positional[1:]


def start_early(argv: Sequence[str]) -> None:
    """Start scanning the regular files an `ingest` command line names as exports, on a
    thread, while the command line's libraries load. Once only; nothing for other commands."""
    global _early_scanner
    if _early_scanner is not None:
        return
    scanner = _Scanner("mktplan-scan-early")
    for name in ingest_exports(argv):
        path = Path(name)
        identity = file_identity(path)
        if identity is not None and identity not in _early:
            _early[identity] = scanner.submit(path)
    _early_scanner = scanner
    scanner.start()


class FileScans:
    """The scans of a call's regular files, one after the other on a thread from the start
    of the call (beside the plan's loading, the store's opening and the sniffing), or those
    the entry point started when the file is still the one it scanned. Pipes and devices are
    scanned from their copies in the pipeline. Closing stops the thread at its next read (a
    call that failed), early scans included."""

    def __init__(self, files: Sequence[Path]) -> None:
        self._scanner = _Scanner("mktplan-scan")
        self._scans: dict[Path, Future[FileScan]] = {}
        for path in files:
            identity = file_identity(path)
            if path in self._scans or identity is None:
                continue
            early = _early.pop(identity, None)
            self._scans[path] = early if early is not None else self._scanner.submit(path)
        self._scanner.start()

    def of(self, path: Path) -> Future[FileScan] | None:
        return self._scans.get(path)

    def close(self) -> None:
        self._scanner.close()
        if _early_scanner is not None:
            _early_scanner.stop.set()

    def __enter__(self) -> FileScans:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
