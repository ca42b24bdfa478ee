"""A cache of validated plans, so ingest and report skip re-parsing an unchanged plan.

Parsing YAML with line marks is most of loading a big plan (0.12 s of 0.15 s for 2,000
KPIs); a plan that passed every check is stored as the model's JSON and read back with
pydantic in a tenth of that. The key is the sha256 of the plan's bytes and of the code that
checks plans (every module of :mod:`mktplan.plan`, the pydantic and Python versions), so an
edited plan or a changed rule never meets a stale entry. Only valid plans are cached; files
with errors are always checked afresh.

Where: ``$MKTPLAN_CACHE_DIR`` if set (empty turns the cache off), else ``.mktplan/cache``
beside the plan, next to the default store. The cache is best effort: an unwritable place or
an unreadable entry just means a full load. Entries are plain JSON validated by pydantic on
the way in, never pickles.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import secrets
import sys
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from mktplan.errors import PlanError
from mktplan.plan import MAX_PLAN_BYTES, read_at_most
from mktplan.plan.model import Plan

if TYPE_CHECKING:
    from mktplan.plan.validate import PlanCheck

CACHE_ENV = "MKTPLAN_CACHE_DIR"
KEEP = 32  # newest entries kept in a cache directory


@cache
def _code_fingerprint() -> bytes:
    """What decides whether a plan is valid and how it is modelled, as a digest."""
    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    package = Path(__file__).resolve().parent
    for module in sorted(package.glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    # PyYAML parses the plan: which one is installed, without importing it (a hit never does)
    yaml = importlib.util.find_spec("yaml")
    for location in (yaml.submodule_search_locations or []) if yaml else []:
        for part in sorted(Path(location).iterdir()):
            if part.is_file():
                stat = part.stat()
                digest.update(f"{part.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.digest()


def caching_off() -> bool:
    """Whether ``MKTPLAN_CACHE_DIR`` is set empty: no plan cache, no template cache."""
    configured = os.environ.get(CACHE_ENV)
    return configured is not None and not configured.strip()


def cache_dir(plan_path: Path) -> Path | None:
    """The cache directory for ``plan_path``, or None when caching is off."""
    if caching_off():
        return None
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else plan_path.resolve().parent / ".mktplan" / "cache"


def _entry(plan_path: Path, data: bytes) -> Path | None:
    folder = cache_dir(plan_path)
    if folder is None:
        return None
    key = hashlib.sha256(_code_fingerprint() + data).hexdigest()
    return folder / f"plan-{key}.json"


def lookup(plan_path: Path, data: bytes) -> Plan | None:
    """The cached plan for these bytes, or None (no entry, caching off, or a bad entry)."""
    entry = _entry(plan_path, data)
    if entry is None:
        return None
    try:
        if not entry.is_file():  # none yet, or a pipe whose reading would wait forever
            return None
        return Plan.model_validate_json(entry.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def store(plan_path: Path, data: bytes, plan: Plan) -> None:
    """Remember ``plan`` (valid, loaded from ``data``) if it reads back equal; never raises."""
    entry = _entry(plan_path, data)
    if entry is None:
        return
    try:
        text = plan.model_dump_json()
        if Plan.model_validate_json(text) != plan:  # pragma: no cover - a model that does
            return  # not round-trip through JSON is never cached
        entry.parent.mkdir(parents=True, exist_ok=True)
        if entry.exists() and not entry.is_file():  # a device or pipe the rename would replace
            return
        # a private temporary name, created with the umask's permissions (not 0600), so a
        # cache folder shared by a team stays readable to it; renamed into place atomically
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(temporary, entry)
        finally:
            temporary.unlink(missing_ok=True)
        _prune(entry.parent)
    except (OSError, ValidationError, ValueError):
        return


def _prune(folder: Path) -> None:
    """Keep the newest :data:`KEEP` entries; drop temporary files a killed process left
    (older than an hour, so a write in progress is never touched)."""
    entries = sorted(folder.glob("plan-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
    stale = time.time() - 3600
    for leftover in folder.glob(".plan-*.tmp"):
        if leftover.stat().st_mtime < stale:
            leftover.unlink(missing_ok=True)


def _read_plan(path: Path) -> bytes | None:
    """The plan file's bytes, or None when it cannot be read or is too large to be a plan:
    check_plan_file then says what is wrong (without reading a huge file into memory)."""
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            return None
        data = read_at_most(path, MAX_PLAN_BYTES)
        return None if len(data) > MAX_PLAN_BYTES else data
    except OSError:
        return None


def check_and_remember(path: Path) -> PlanCheck:
    """``validate``'s check of one file; a valid plan is remembered too, so the first ingest
    or report after a reviewed edit does not parse it again."""
    from mktplan.plan.validate import check_plan_file

    data = _read_plan(path)
    result = check_plan_file(path, data)
    if data is not None and result.plan is not None and not result.errors:
        store(path, data, result.plan)
    return result


def load_plan(path: Path, *, remember: bool = True) -> Plan:
    """The plan in ``path``, or :class:`PlanError` naming its first errors. A plan that was
    valid before, byte for byte, comes from the cache; a valid plan is remembered there unless
    ``remember`` is off (a dry run writes nothing)."""
    data = _read_plan(path)
    if data is not None and (cached := lookup(path, data)) is not None:
        return cached
    from mktplan.plan.validate import check_plan_file  # a miss needs the loader and the rules

    # the bytes just read are what is checked and what the entry is keyed by: a file saved
    # again meanwhile cannot put one plan under another's key
    result = check_plan_file(path, data)
    if result.plan is None or result.errors:
        errors = result.errors
        first = errors[0]
        from mktplan.i18n import msg

        first_text = first.text or first.message
        raise PlanError(
            msg("plan.not_valid_more", first=first_text, more=len(errors) - 1, plan=str(path))
            if len(errors) > 1
            else msg("plan.not_valid", first=first_text),
            file=first.file,
            line=first.line,
            path=first.path,
            hint=first.hint_text or first.hint,
            findings=errors,
        )
    if data is not None and remember:
        store(path, data, result.plan)
    return result.plan
