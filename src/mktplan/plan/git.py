"""Running git for the plan commands (`diff --rev`, the report's plan changes): a module of
its own so a report that finds no history of its plan imports none of the diff machinery."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from mktplan.errors import UsageError
from mktplan.i18n import msg


def run_git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``cwd``, output captured, never raising on git's exit code; a
    :class:`UsageError` when git is not installed."""
    git = shutil.which("git")
    if git is None:
        raise UsageError(msg("diff.no_git"), hint=msg("diff.no_git.hint"))
    return subprocess.run(  # noqa: S603  (fixed git binary, arguments are not shell-parsed)
        [git, *args], cwd=cwd, capture_output=True, check=False
    )
