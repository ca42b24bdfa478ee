"""Observation stores for the report benchmarks, built once and cached under bench/data/."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def ensure_store(path: Path, plan: Path, modules: int, days: int, channels: int) -> Path:
    """A store at ``path`` holding modules × 10 KPIs × days × channels observations."""
    if importlib.util.find_spec("mktplan.store") is None:
        raise RuntimeError("mktplan.store does not exist yet (the store is being written)")
    raise RuntimeError("store builder not written yet")
