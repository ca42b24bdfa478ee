"""'Did you mean' for unknown ids, fast against thousands of candidates.

``difflib.get_close_matches`` compares a name with every candidate: about 8 ms per unknown
id against a 2,000-KPI plan, so 8,000 unknown ids in an export took a minute. A
:class:`Suggester` indexes its candidates once by character trigrams, compares a name only
with the few dozen candidates sharing the most trigrams with it (scored by the same
``difflib`` ratio and cutoff), remembers each answer, and computes at most
:data:`MAX_LOOKUPS` new answers per run: after that, messages simply carry no suggestion.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable

CUTOFF = 0.6  # difflib's default similarity
MAX_LOOKUPS = 200  # new suggestions computed per Suggester (one run)
SHORTLIST = 10  # candidates scored with difflib per lookup
POSTINGS_READ = 2_000  # candidate ids read from the index per lookup, rarest trigrams first


def _trigrams(text: str) -> set[str]:
    padded = f"\x02{text.lower()}\x03"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Suggester:
    """Close matches for names among a fixed set of candidates."""

    def __init__(self, candidates: Iterable[str], *, max_lookups: int = MAX_LOOKUPS) -> None:
        self.candidates = list(dict.fromkeys(candidates))
        self.lookups_left = max_lookups
        self._memo: dict[tuple[str, int], list[str]] = {}
        self._index: dict[str, list[int]] | None = None
        self._tails: dict[str, list[str]] | None = None

    def _postings(self) -> dict[str, list[int]]:
        if self._index is None:
            index: dict[str, list[int]] = {}
            for number, candidate in enumerate(self.candidates):
                for gram in _trigrams(candidate):
                    index.setdefault(gram, []).append(number)
            self._index = index
        return self._index

    def _shortlist(self, name: str) -> list[str]:
        if len(self.candidates) <= SHORTLIST:
            return self.candidates
        index = self._postings()
        lists = sorted((index[g] for g in _trigrams(name) if g in index), key=len)
        shared: Counter[int] = Counter()
        read = 0
        for postings in lists:
            if read and read + len(postings) > POSTINGS_READ:
                break
            shared.update(postings)
            read += len(postings)
        return [self.candidates[number] for number, _ in shared.most_common(SHORTLIST)]

    def same_tail(self, name: str) -> list[str]:
        """Qualified ids ending in ``.name`` (`sales` → `online.sales`), sorted; an index
        lookup, not a scan."""
        if self._tails is None:
            tails: dict[str, list[str]] = {}
            for candidate in self.candidates:
                head, dot, tail = candidate.rpartition(".")
                if dot and head:
                    tails.setdefault(tail, []).append(candidate)
            self._tails = {tail: sorted(found) for tail, found in tails.items()}
        return self._tails.get(name, [])

    def suggest(self, name: str, n: int = 1) -> list[str]:
        """Up to ``n`` candidates close to ``name``, best first; [] once the budget is spent."""
        key = (name, n)
        if key in self._memo:
            return self._memo[key]
        if self.lookups_left <= 0:
            return []
        self.lookups_left -= 1
        found = difflib.get_close_matches(name, self._shortlist(name), n=n, cutoff=CUTOFF)
        self._memo[key] = found
        return found


_shared: tuple[tuple[str, ...], Suggester] | None = None


def _suggester_for(candidates: Iterable[str]) -> Suggester:
    """One Suggester per candidate set, reused (with its budget) while the candidates stay
    the same, as they do for every row of one ingest."""
    global _shared
    key = tuple(candidates)
    if _shared is None or _shared[0] != key:
        _shared = (key, Suggester(key))
    return _shared[1]


def close_matches(name: str, candidates: Iterable[str], n: int = 1) -> list[str]:
    """:meth:`Suggester.suggest` against ``candidates``."""
    return _suggester_for(candidates).suggest(name, n)


def close_kpis(name: str, candidates: Iterable[str], n: int = 2) -> list[str]:
    """For an unknown KPI id: the qualified ids it is the bare id of (`sales` →
    `online.sales`, every module's), else up to ``n`` close matches."""
    suggester = _suggester_for(candidates)
    return suggester.same_tail(name) or suggester.suggest(name, n)
