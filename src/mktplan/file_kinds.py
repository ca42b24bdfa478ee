"""What kind of thing a path names, for writers that rename a new file over their target: a
rename replaces a device, a pipe or a socket as readily as a file, and as root it replaced
/dev/full. Those writers refuse a target that is not a regular file (nor a link to one)."""

from __future__ import annotations

import stat
from pathlib import Path

from mktplan.errors import MktplanError
from mktplan.i18n import Msg, msg

_KINDS = (
    (stat.S_ISCHR, "file.kind.char_device"),
    (stat.S_ISBLK, "file.kind.block_device"),
    (stat.S_ISFIFO, "file.kind.fifo"),
    (stat.S_ISSOCK, "file.kind.socket"),
)


def special_kind(path: Path) -> Msg | None:
    """What ``path`` is ("a character device", …) when it exists and is neither a regular
    file nor a directory, following links; None otherwise, or when it cannot be looked at
    (the write that follows then says why)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, code in _KINDS:
        if test(mode):
            return msg(code)
    return msg("file.kind.other")


def refuse_special(path: Path, error: type[MktplanError], code: str) -> None:
    """Raise ``error`` with the message ``code`` (and its ``.hint``) naming what ``path`` is,
    when it is (or links to) a device, a pipe or a socket: a rename over it would replace it."""
    kind = special_kind(path)
    if kind is not None:
        raise error(msg(code, kind=kind), file=str(path), hint=msg(f"{code}.hint"))
