"""Recorded variables: per-block sums taken as each quarter is recorded, and the kept rows,
with the bits of the plain way (a zero-filled ``(quarters, n)`` store per variable, read
as a C-ordered ``(n, quarters)`` copy, summed per block with numpy, rounded with astype)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.recorder import Recorder
from chipcredit.engine.sim import Sim
from chipcredit.engine.sum_kernel import record_row_sums
from chipcredit.engine.workspace import Workspace

# values whose sums round differently in different orders, with signed zeros and NaN
_VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=64),
                    st.sampled_from([0.0, -0.0, 1e16, -1e16, 1.0, 0.1, np.nan]))


def _reference_sums(rows: np.ndarray, sizes: list[int]) -> np.ndarray:
    """numpy's per-block sums of the C-ordered path-major copy (the engine's old way)."""
    path_major = np.ascontiguousarray(rows.T)
    bounds = np.cumsum([0, *sizes])
    with np.errstate(over="ignore", invalid="ignore"):
        return np.stack([path_major[a:b].sum(axis=0) for a, b in itertools.pairwise(bounds)])


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_a_block_sum_adds_in_path_order_from_zero() -> None:
    # 1e16 + 1 rounds back to 1e16, so the order of the additions shows in the result:
    # in path order ((0 + 1e16) + 1) + 1 - 1e16 = 0; pairwise it would be 2.0 or 0.0
    # depending on the split. And a block of -0.0 sums to +0.0 (numpy starts from 0.0).
    rows = np.array([[1e16, 1.0, 1.0, -1e16, -0.0, -0.0]])
    sums = np.zeros((2, 1))
    band = np.zeros(3, dtype=np.float32)
    record_row_sums(rows[0], np.array([0, 4, 6], dtype=np.int64), sums, 0, band)
    assert band.tobytes() == rows[0, :3].astype(np.float32).tobytes()
    assert sums[0, 0] == 0.0
    assert sums[1, 0] == 0.0 and not np.signbit(sums[1, 0])
    assert _same_bits(sums, _reference_sums(rows, [4, 2]))


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_row_sums_have_the_bits_of_numpy_over_a_path_major_copy(data: st.DataObject) -> None:
    sizes = data.draw(st.lists(st.integers(0, 40), min_size=1, max_size=5))
    n, quarters = sum(sizes), data.draw(st.integers(2, 4))  # one quarter: see below
    rows = data.draw(hnp.arrays(np.float64, (quarters, n), elements=_VALUES))
    bounds = np.cumsum([0, *sizes], dtype=np.int64)
    want = _reference_sums(rows, sizes)
    sums = np.full((len(sizes), quarters), 7.0)  # every cell is set, whatever was there
    band = np.full((quarters, n // 2), 7.0, dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        for q in range(quarters):
            record_row_sums(rows[q], bounds, sums, q, band[q])
        assert _same_bits(band, rows[:, :n // 2].astype(np.float32))
    assert _same_bits(sums, want)


def _plain(puts: list[tuple[str, int, object]], n: int, quarters: int) -> dict[str, np.ndarray]:
    """The old store: zeros, then ``store[q] = values`` for each put, in order."""
    out: dict[str, np.ndarray] = {}
    for key, q, values in puts:
        out.setdefault(key, np.zeros((quarters, n)))[q] = values
    return out


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_recorder_keeps_and_sums_what_the_plain_store_holds(data: st.DataObject) -> None:
    sizes = data.draw(st.lists(st.integers(1, 12), min_size=1, max_size=3))
    n, quarters = sum(sizes), data.draw(st.integers(1, 6))
    series_paths = data.draw(st.integers(0, n + 2))
    band_paths = data.draw(st.integers(0, n + 2))
    puts: list[tuple[str, int, object]] = []
    for _ in range(data.draw(st.integers(0, 12))):
        key = data.draw(st.sampled_from(["a", "b", "c"]))
        q = data.draw(st.integers(0, quarters - 1))  # quarters may be skipped or rewritten
        kind = data.draw(st.sampled_from(["array", "scalar", "bool", "view"]))
        if kind == "array":
            values: object = data.draw(hnp.arrays(np.float64, n, elements=_VALUES))
        elif kind == "scalar":
            values = data.draw(_VALUES)
        elif kind == "bool":
            values = data.draw(hnp.arrays(np.bool_, n))
        else:  # a strided float64 view
            values = data.draw(hnp.arrays(np.float64, 2 * n, elements=_VALUES))[::2]
        puts.append((key, q, values))
    rec = Recorder(quarters, sizes, Workspace(), series_paths, band_paths)
    with np.errstate(over="ignore", invalid="ignore"):  # float32 rounds huge values to inf
        for key, q, values in puts:
            rec.put(("p", key), q, values)  # type: ignore[arg-type]
        plain = _plain(puts, n, quarters)
        band = {key: store.T[:min(band_paths, n)].astype(np.float32)
                for key, store in plain.items()}
    assert list(rec.sums) == [("p", k) for k in plain]
    for key, store in plain.items():
        assert _same_bits(rec.sums[("p", key)], _reference_sums(store, sizes))
        kept = rec.series[("p", key)]
        assert not kept.flags.writeable
        assert _same_bits(np.ascontiguousarray(kept), store.T[:min(series_paths, n)].copy())
        assert _same_bits(np.ascontiguousarray(rec.band[("p", key)]), band[key])


def test_the_series_are_read_only_views() -> None:
    rec = Recorder(3, [4], Workspace(), 4, 0)
    rec.put(("lab", "cash"), 1, np.arange(4.0))
    view = rec.series[("lab", "cash")]
    with pytest.raises(ValueError, match="read-only"):
        view[0, 0] = 1.0
    np.testing.assert_array_equal(view, [[0.0, k, 0.0] for k in range(4)])


@pytest.fixture(scope="module")
def sims() -> tuple[Sim, Sim]:
    """seed-2025 on two blocks (the second partial), recorded in full and as a run does."""
    sc = cc.load_scenario("seed-2025")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        full = Sim(sc, ChunkDraws(7, 4096 + 300, 0, 2, False), band_paths=4096 + 300)
        full.run()
        lean = Sim(sc, ChunkDraws(7, 4096 + 300, 0, 2, False), series_paths=0, band_paths=1000)
        lean.run()
    return full, lean


def test_a_chunks_sums_and_band_are_those_of_its_full_series(sims: tuple[Sim, Sim]) -> None:
    full, lean = sims
    series = full.series
    assert len(series) > 40 and list(full.recorder.sums) == list(series)
    for key, values in series.items():
        copy = np.ascontiguousarray(values)
        want = _reference_sums(copy.T, full.draws.sizes)  # numpy over the C-ordered copy
        assert _same_bits(full.recorder.sums[key], want), key
        assert _same_bits(lean.recorder.sums[key], want), key  # no rows kept: same sums
        assert _same_bits(np.ascontiguousarray(full.recorder.band[key]), copy.astype(np.float32))
        assert _same_bits(np.ascontiguousarray(lean.recorder.band[key]),
                          copy[:1000].astype(np.float32)), key
        assert lean.series[key].shape == (0, full.n_quarters)


def test_a_read_only_row_is_recorded_through_the_scratch_row() -> None:
    """A fleet's cached total is read-only; recording it gives the same sums and band as a
    writable copy, and `record_row_sums` is never compiled for read-only rows (a second
    signature costs a fresh install about half a second of compiling)."""
    n = 9
    values = np.linspace(-1.0, 3.0, n) ** 3
    frozen = values.copy()
    frozen.flags.writeable = False
    plain, kept = (Recorder(2, [4, 5], Workspace(), n, 3) for _ in range(2))
    plain.put(("lab", "capacity"), 1, values)
    kept.put(("lab", "capacity"), 1, frozen)
    key = ("lab", "capacity")
    assert _same_bits(kept.sums[key], plain.sums[key])
    assert _same_bits(kept.band[key], plain.band[key])
    assert _same_bits(kept.series[key], plain.series[key])
    assert all(sig[0].mutable for sig in record_row_sums.signatures)
