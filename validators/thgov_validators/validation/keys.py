"""Seen-key sets for unique and primary-key checks, bounded in memory whatever the file's size.

Keys are 64-bit integers: the value itself for integers, Python's ``hash`` otherwise (equal
values have equal hashes, so a duplicate is never missed; two different values sharing a 64-bit
hash would be reported as a duplicate, which at 2^-64 per pair does not happen in practice).

The most recent keys (up to ``memory_keys``, 8 bytes each) are kept as a few sorted numpy runs
whose sizes double, like a log-structured merge tree. Beyond that they are merged into one
sorted file on disk, of which only every ``FENCE``-th key stays in memory; a key is looked up
there by reading the one block that may hold it. A Bloom filter of fixed size answers "never
seen" for most keys without a search, so the disk is read for few keys per batch.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import numpy as np

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_FILTER_BITS = 26  # an 8 MiB Bloom filter with two probes per key
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SECOND = np.uint64(0xC2B2AE3D27D4EB4F)
MEMORY_KEYS = 1 << 18  # 2 MiB of recent keys; older ones go to disk
FENCE = 512  # keys per disk block (4 KiB)
_MERGE_CHUNK = 1 << 18


def key_of(value: Any) -> int:
    if type(value) is int and _I64_MIN <= value <= _I64_MAX:
        return value
    return hash(value)


class _DiskRun:
    """Sorted distinct int64 keys in a temporary file, with every FENCE-th key in memory."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.path: str | None = None
        self.fences = np.zeros(0, dtype=np.int64)
        self.size = 0

    def merge(self, keys: np.ndarray) -> None:
        """Merge sorted keys (none already on disk) into the file, chunk by chunk."""
        handle, path = tempfile.mkstemp(prefix="thgov-keys-", suffix=".i64", dir=self.directory)
        fences: list[np.ndarray] = []
        written = 0
        taken = 0
        with os.fdopen(handle, "wb") as out:
            def write(chunk: np.ndarray) -> None:
                nonlocal written
                first = (-written) % FENCE
                fences.append(chunk[first::FENCE].copy())  # not a view that keeps the chunk
                out.write(chunk.tobytes())
                written += len(chunk)

            for old in self._chunks():
                upto = int(np.searchsorted(keys, old[-1], side="right"))
                merged = np.concatenate([old, keys[taken:upto]])
                merged.sort(kind="stable")  # two sorted runs: a linear merge
                taken = upto
                write(merged)
            if taken < len(keys):
                write(keys[taken:])
        self.close()
        self.path = path
        self.size = written
        self.fences = np.concatenate(fences) if fences else np.zeros(0, dtype=np.int64)

    def _chunks(self) -> Any:
        if not self.path:
            return
        with open(self.path, "rb") as handle:
            while True:
                data = handle.read(_MERGE_CHUNK * 8)
                if not data:
                    return
                yield np.frombuffer(data, dtype=np.int64)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        """Mask of the sorted ``keys`` present on disk: one block read per block touched."""
        found = np.zeros(len(keys), dtype=bool)
        if not self.size or not len(keys):
            return found
        blocks = np.searchsorted(self.fences, keys, side="right") - 1  # sorted, as keys are
        unique, first, counts = np.unique(blocks, return_index=True, return_counts=True)
        with open(self.path, "rb") as handle:
            fd = handle.fileno()
            for block, lo, count in zip(unique.tolist(), first.tolist(), counts.tolist()):
                if block < 0:
                    continue  # smaller than every key on disk
                start = block * FENCE
                data = np.frombuffer(os.pread(fd, min(FENCE, self.size - start) * 8, start * 8),
                                     dtype=np.int64)
                mine = keys[lo:lo + count]
                index = np.minimum(np.searchsorted(data, mine), len(data) - 1)
                found[lo:lo + count] = data[index] == mine
        return found

    def close(self) -> None:
        if self.path:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            self.path = None


class SeenKeys:
    def __init__(self, memory_keys: int = MEMORY_KEYS, directory: str | None = None) -> None:
        self.runs: list[np.ndarray] = []
        self.bitmap: np.ndarray | None = None
        self.memory_keys = memory_keys
        self.disk = _DiskRun(directory)

    def __len__(self) -> int:
        return sum(len(run) for run in self.runs) + self.disk.size

    def __del__(self) -> None:
        self.disk.close()

    def _probes(self, keys: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for multiplier in (_GOLDEN, _SECOND):
            mixed = keys.view(np.uint64) * multiplier >> np.uint64(64 - _FILTER_BITS)
            out.append(((mixed >> np.uint64(6)).astype(np.int64),
                        np.left_shift(np.uint64(1), mixed & np.uint64(63))))
        return out

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
        probes = self._probes(distinct)
        maybe = np.ones(len(distinct), dtype=bool)
        for words, bits in probes:
            maybe &= (self.bitmap[words] & bits) != 0
        seen_distinct = np.zeros(len(distinct), dtype=bool)
        candidates = distinct[maybe]
        if len(candidates):
            hit = np.zeros(len(candidates), dtype=bool)
            for run in self.runs:
                index = np.searchsorted(run, candidates)
                index[index == len(run)] = len(run) - 1
                hit |= run[index] == candidates
            rest = np.flatnonzero(~hit)
            if len(rest) and self.disk.size:
                hit[rest] = self.disk.contains(candidates[rest])
            seen_distinct[np.flatnonzero(maybe)[hit]] = True
        seen = np.zeros(n, dtype=bool)
        if seen_distinct.any():
            seen[order] = np.repeat(seen_distinct, np.diff(np.concatenate(
                (np.flatnonzero(np.concatenate(([True], ~equal))), [n]))))
        fresh = distinct[~seen_distinct]
        if len(fresh):
            for words, bits in probes:
                np.bitwise_or.at(self.bitmap, words[~seen_distinct], bits[~seen_distinct])
            self.runs.append(fresh)
            while len(self.runs) > 1 and len(self.runs[-2]) <= 2 * len(self.runs[-1]):
                last = self.runs.pop()
                merged = np.concatenate([self.runs.pop(), last])
                merged.sort(kind="stable")
                self.runs.append(merged)
            if sum(len(run) for run in self.runs) > self.memory_keys:
                self._spill()
        return seen | repeat

    def _spill(self) -> None:
        """Move the keys held in memory to the disk run."""
        keys = np.concatenate(self.runs) if len(self.runs) > 1 else self.runs[0]
        self.runs = []
        keys.sort(kind="stable")
        self.disk.merge(keys)
