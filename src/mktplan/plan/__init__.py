"""Plans: the YAML loader with line marks, the models, the rules, and the plan cache."""

from pathlib import Path

# A plan file larger than this is refused before it is read (a plan of 2,000 KPIs is 0.3 MB).
MAX_PLAN_BYTES = 20 * 1024 * 1024


def read_at_most(path: Path, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of ``path``: enough to tell that it is too large, even for
    a device or a pipe (/dev/zero, /dev/stdin) whose size cannot be asked first."""
    with path.open("rb") as fh:
        return fh.read(limit + 1)
