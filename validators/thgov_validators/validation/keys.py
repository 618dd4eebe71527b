"""Seen-key sets for unique and primary-key checks, flat in memory per key.

Keys are 64-bit integers: the value itself for integers, Python's ``hash`` otherwise (equal
values have equal hashes, so a duplicate is never missed; two different values sharing a 64-bit
hash would be reported as a duplicate, which at 2^-64 per pair does not happen in practice).
Seen keys are kept as a few sorted numpy runs whose sizes double, like a log-structured merge
tree, in front of a bitmap filter that answers "never seen" for most keys without a search.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_FILTER_BITS = 25  # a 4 MiB bitmap
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def key_of(value: Any) -> int:
    if type(value) is int and _I64_MIN <= value <= _I64_MAX:
        return value
    return hash(value)


class SeenKeys:
    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []
        self.bitmap: np.ndarray | None = None

    def __len__(self) -> int:
        return sum(len(run) for run in self.runs)

    def _slots(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mixed = keys.view(np.uint64) * _GOLDEN >> np.uint64(64 - _FILTER_BITS)
        return (mixed >> np.uint64(6)).astype(np.int64), np.left_shift(np.uint64(1), mixed & np.uint64(63))

    def add_batch(self, keys: np.ndarray) -> np.ndarray:
        """Add keys in order; returns the mask of keys seen before (earlier or in this batch)."""
        n = len(keys)
        if not n:
            return np.zeros(0, dtype=bool)
        if self.bitmap is None:
            self.bitmap = np.zeros(1 << (_FILTER_BITS - 6), dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        equal = ordered[1:] == ordered[:-1]
        repeat = np.zeros(n, dtype=bool)
        repeat[order[1:][equal]] = True
        distinct = ordered[np.concatenate(([True], ~equal))]
        words, bits = self._slots(distinct)
        maybe = (self.bitmap[words] & bits) != 0
        seen_distinct = np.zeros(len(distinct), dtype=bool)
        candidates = distinct[maybe]
        if len(candidates):
            hit = np.zeros(len(candidates), dtype=bool)
            for run in self.runs:
                index = np.searchsorted(run, candidates)
                index[index == len(run)] = len(run) - 1
                hit |= run[index] == candidates
            seen_distinct[np.nonzero(maybe)[0][hit]] = True
        seen = np.zeros(n, dtype=bool)
        if seen_distinct.any():
            seen[order] = np.repeat(seen_distinct, np.diff(np.concatenate(
                (np.nonzero(np.concatenate(([True], ~equal)))[0], [n]))))
        fresh = distinct[~seen_distinct]
        if len(fresh):
            np.bitwise_or.at(self.bitmap, words[~seen_distinct], bits[~seen_distinct])
            self.runs.append(fresh)
            while len(self.runs) > 1 and len(self.runs[-2]) <= 2 * len(self.runs[-1]):
                last = self.runs.pop()
                merged = np.concatenate([self.runs.pop(), last])
                merged.sort(kind="stable")
                self.runs.append(merged)
        return seen | repeat
