"""The compact outcome-column store: same bits as one array per column, less memory."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chipcredit.engine.columns import ColumnStore, PackedColumns
from chipcredit.engine.streams import STREAM_BLOCK

PATHS = 3 * STREAM_BLOCK - 100  # three blocks, the last one partial


def _block(b: int) -> slice:
    return slice(b * STREAM_BLOCK, min((b + 1) * STREAM_BLOCK, PATHS))


def _reference(blocks: dict[int, dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One zero-filled float32 array per column, each block's values placed at its paths."""
    out: dict[str, np.ndarray] = {}
    for b, cols in blocks.items():
        for name, values in cols.items():
            out.setdefault(name, np.zeros(PATHS, dtype=np.float32))[_block(b)] = values
    return out


def _bits(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).view(np.uint32)


def test_constants_and_repeats_take_no_room_until_they_differ() -> None:
    store = ColumnStore(PATHS, np.float32)
    n0 = STREAM_BLOCK
    x = np.arange(n0, dtype=np.float32)
    store.put({"zero": np.zeros(n0), "x": x, "x_again": x.copy(), "nan": np.full(n0, np.nan)}, 0, 1)
    # one own array (x); a constant is one value; the repeat shares x's array
    assert store.nbytes() == PATHS * 4 + 4 + 4
    assert store.columns["x_again"] is store.columns["x"]
    store.put({"zero": np.zeros(n0), "x": x, "x_again": x + 1, "nan": np.full(n0, np.nan)}, 1, 2)
    assert store.columns["x_again"] is not store.columns["x"]  # it differed: its own array now
    assert store.nbytes() == 2 * PATHS * 4 + 4 + 4
    last = PATHS - 2 * STREAM_BLOCK
    store.put({"zero": np.r_[np.zeros(last - 1), -0.0], "x": x[:last], "x_again": x[:last],
               "nan": np.full(last, np.nan)}, 2, 3)
    cols = store.finish()
    # -0.0 is not 0.0 bit for bit: "zero" got its own array at the third block
    assert np.signbit(cols["zero"][-1]) and not np.signbit(cols["zero"][0])
    assert np.isnan(cols["nan"]).all() and cols["nan"].strides == (0,)
    np.testing.assert_array_equal(cols["x_again"][_block(1)], x + 1)
    assert all(not c.flags.writeable for c in cols.values())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_columns_in_any_block_order_read_like_one_array_each(data: st.DataObject) -> None:
    # Columns drawn from a few patterns (constant, a shared pattern, its own noise), which
    # may change from block to block, and may be missing from a block: whatever order the
    # blocks arrive in, every column reads the same bits as the plain reference.
    names = [f"c{i}" for i in range(data.draw(st.integers(1, 6)))]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    blocks: dict[int, dict[str, np.ndarray]] = {}
    for b in range(3):
        n = _block(b).stop - _block(b).start
        shared = rng.normal(size=n).astype(np.float32)
        cols = {}
        for name in names:
            kind = data.draw(st.sampled_from(["const", "zero", "shared", "own", "missing"]))
            if kind == "missing":
                continue
            cols[name] = {"const": np.full(n, 2.5, dtype=np.float32),
                          "zero": np.zeros(n, dtype=np.float32),
                          "shared": shared.copy(),
                          "own": rng.normal(size=n).astype(np.float32)}[kind]
        blocks[b] = cols
    order = data.draw(st.permutations(list(blocks)))
    store = ColumnStore(PATHS, np.float32)
    for b in order:
        store.put(blocks[b], b, b + 1)
    got = store.finish()
    want = _reference(blocks)
    assert set(got) == set(want)
    for name in want:
        np.testing.assert_array_equal(_bits(got[name]), _bits(want[name]), err_msg=name)
    assert store.nbytes() <= sum(a.nbytes for a in want.values())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_packed_columns_unpack_to_the_same_bits_in_the_same_order(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 50))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    pool = [np.full(n, 1.5, dtype=np.float32), np.zeros(n, dtype=np.float32),
            np.full(n, -0.0, dtype=np.float32), np.full(n, np.nan, dtype=np.float32),
            rng.normal(size=n).astype(np.float32), rng.normal(size=n).astype(np.float32)]
    picks = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=8))
    outcomes = {f"c{i}": pool[k].copy() for i, k in enumerate(picks)}
    packed = PackedColumns.pack(outcomes)
    back = packed.unpack()
    assert list(back) == list(outcomes)
    for name, values in outcomes.items():
        np.testing.assert_array_equal(_bits(back[name]), _bits(values), err_msg=name)
    # every distinct non-constant column is sent once; constants as one value each
    distinct = {v.tobytes() for v in outcomes.values() if not (_bits(v) == _bits(v)[0]).all()}
    assert len(packed.own) == len(distinct) or n == 1
