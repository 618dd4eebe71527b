"""The seen-key sets behind unique and primary-key checks: exact, also once keys go to disk."""

from __future__ import annotations

import numpy as np
import pytest

from thgov_validators.validation.keys import SeenKeys


@pytest.mark.parametrize("memory_keys", [300, 1 << 18])
def test_seen_keys_match_a_python_set(tmp_path, memory_keys: int) -> None:
    rng = np.random.default_rng(5)
    seen = SeenKeys(memory_keys=memory_keys, directory=str(tmp_path))
    expected: set[int] = set()
    for batch in range(30):
        keys = rng.integers(-20_000, 20_000, size=int(rng.integers(1, 2_000)), dtype=np.int64)
        if batch % 4 == 0:  # keys far apart, and the extremes of int64
            keys = np.concatenate([keys, rng.integers(-2**63, 2**63 - 1, size=300, dtype=np.int64),
                                   np.array([-2**63, 2**63 - 1], dtype=np.int64)])
        got = seen.add_batch(keys).tolist()
        want = []
        for key in keys.tolist():
            want.append(key in expected)
            expected.add(key)
        assert got == want, batch
    assert len(seen) == len(expected)
    if memory_keys < len(expected):
        assert seen.disk.size > 0  # the disk run was used
        assert list(tmp_path.iterdir())
    del seen
    assert not list(tmp_path.iterdir())  # its file is removed with it
