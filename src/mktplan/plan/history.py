"""What changed in a plan during a period, from git: the plan as committed before the period
started against the plan at its end (as committed by then; the working plan for a period that
ends today or later), through `mktplan diff --rev`'s machinery. Anything that
stops the look-up (no git, not a repository, no commit that old, an invalid old version)
means no changes to tell, never an error: the weekly report goes out regardless."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from mktplan.errors import MktplanError
from mktplan.plan.git import run_git

if TYPE_CHECKING:
    from mktplan.plan import diff
    from mktplan.plan.model import Plan

# the changes a weekly report names: targets, budgets, owners and due dates
CHANGE_FIELDS = frozenset({"target", "due", "owner", "budget", "total", "reserve", "amount"})


def _commit_before(path: Path, day: dt.date) -> str | None:
    """The last commit made before ``day`` began that touched the plan, or None (no git, no
    repository, the plan not committed then): the plan as committed before ``day`` is the
    plan at that commit. A commit's day is its date where it was made (its committer date in
    its own time zone), not on the machine that runs the report: a plan committed on Monday
    07:00 in Beijing is a change of Monday's week on a cron host that keeps UTC too."""
    try:
        found = run_git(["log", "--format=%H %cI", "HEAD", "--", path.name], path.parent)
    except MktplanError:
        return None
    if found.returncode != 0:
        return None
    for line in found.stdout.decode("ascii", "replace").splitlines():
        sha, _, when = line.partition(" ")
        try:
            if dt.date.fromisoformat(when[:10]) < day:
                return sha
        except ValueError:
            continue
    return None


def plan_changes(
    path: Path, plan: Plan, since: dt.date, until: dt.date | None = None
) -> list[diff.Change]:
    """Changes of targets, budgets, owners and due dates from the plan at ``path`` as
    committed before ``since`` to the plan as committed before ``until`` (the period's end:
    a commit made after it is not a change of the period), or to ``plan`` (the working
    version) without ``until``; [] when git cannot say."""
    directory = path.resolve().parent
    if not directory.is_dir():
        return []
    commit = _commit_before(path.resolve(), since)
    if commit is None:
        return []
    last = None
    if until is not None:
        last = _commit_before(path.resolve(), until)
        if last is None or last == commit:  # nothing committed in the period
            return []
    from mktplan.plan import diff  # only now: most reports find no older plan to compare

    try:
        version = diff.read_at_rev(path, commit)
        before = diff.load_text_side(version.text, version.label, path.name)
        after = plan
        if last is not None:
            then = diff.read_at_rev(path, last)
            after = diff.load_text_side(then.text, then.label, path.name)
    except MktplanError:  # the plan did not exist then, or that version does not validate
        return []
    return [
        c
        for c in diff.diff_plans(before, after)
        if c.kind is diff.Kind.changed and c.field in CHANGE_FIELDS
    ]
