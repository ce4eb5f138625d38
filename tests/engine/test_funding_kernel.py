"""The compiled equity round (`engine/funding_kernel.py`) gives the bits of the numpy passes
it replaced, and the fundraiser's caches give the bits of fresh computations.

The reference below is `Fundraiser.raise_equity` and `Fundraiser.issue` as numpy passes,
written out here; the values include NaN, infinities, signed zeros, dust and exact ties.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.dust import MONEY_DUST, snap
from chipcredit.engine.funding_kernel import equity_round
from chipcredit.engine.sim import Sim

from .bits import same_bits

pytestmark = pytest.mark.filterwarnings("ignore:.*:RuntimeWarning")

_SPECIAL = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, MONEY_DUST, 0.5e-9, 1.0, -1.0, 10.0,
                     1e-300, 1e300])


def _values(rng: np.random.Generator, n: int, special: float) -> np.ndarray:
    """Normals scaled over many magnitudes, with a share ``special`` of awkward values."""
    x = rng.normal(size=n) * 10.0 ** rng.integers(-3, 4, n)
    return np.where(rng.random(n) < special, rng.choice(_SPECIAL, n), x)


def _reference(burn: np.ndarray, v: dict[str, np.ndarray],
               seen: float = 4.0) -> tuple[np.ndarray, ...]:
    """The round as numpy passes (`raise_equity` and `issue` before the kernel), on a copy
    of ``burn`` and of the yearly window ``v["window"]``: the burn, the amount, the
    holder's and the total shares, whether any total is huge, and the window moved up a
    quarter. ``seen`` is the number of quarters simulated so far, at most 4: the mean burn
    is over those (numpy's mean over the first axis when 4)."""
    w = v["window"].copy()
    burn = burn.copy()
    burn[:-1] = burn[1:]
    burn[-1] = v["cash_open"] + v["inflow"] - v["cash"]
    b = np.maximum(np.add.reduce(burn, axis=0) / seen, 0.0)
    gap = np.maximum(v["buffer"] * b - v["cash"], 0.0)
    size = np.maximum(v["round_quarters"] * b, v["arrears"] + gap)
    size = np.where(v["cap"] < np.inf, np.minimum(size, v["value"] * v["cap"]), size)
    price = v["value"] / v["total"]
    room = v["year"] * w[0] - ((w[3] + w[4]) + w[5])
    size = np.where(v["year"] < np.inf, np.minimum(size, np.maximum(room, 0.0) * price), size)
    size = snap(size, MONEY_DUST)
    wants = (v["alive"] & ((v["cash"] < v["buffer"] * b) | (v["arrears"] > MONEY_DUST))
             & (size > 0) & (v["value"] > MONEY_DUST))
    chance = 1.0 / (1.0 + v["e"]) * v["shock"]
    amount = np.where(wants & (v["u"] <= chance), size, 0.0)
    new = np.divide(amount, price, out=np.zeros_like(amount), where=price > 0)
    new = np.minimum(new, v["total"] * 1e9)
    total = v["total"] + new
    w = np.stack([w[1], w[2], v["total"], w[4], w[5], new])
    return burn, amount, v["held"] + new, total, np.asarray((total > 1e150).any()), w


_NAMES = ["cash_open", "inflow", "cash", "arrears", "buffer", "round_quarters", "value",
          "total", "held", "shock"]


def _round(burn: np.ndarray, v: dict[str, np.ndarray], seen: float = 4.0) -> tuple[np.ndarray, ...]:
    n = v["cash"].size
    amount, held, total = np.empty(n), np.empty(n), np.empty(n)
    readonly = v["total"].copy()
    readonly.flags.writeable = False  # as `total_shares` hands it over
    v.setdefault("year", np.full(n, np.inf))
    v.setdefault("window", np.zeros((6, n)))
    window = v["window"].copy()
    huge = equity_round(burn, v["cash_open"], v["inflow"], v["cash"], v["arrears"], v["buffer"],
                        v["round_quarters"], v["cap"], v["year"], window, v["alive"],
                        v["value"], v["e"], v["u"], v["shock"],
                        readonly, v["held"], MONEY_DUST, 1e9, 1e150, seen, amount, held, total)
    return burn, amount, held, total, np.asarray(huge), window


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 120), st.sampled_from([0.0, 0.1, 0.5]),
       st.sampled_from([1.0, 2.0, 3.0, 4.0]))
def test_equity_round_gives_the_bits_of_the_numpy_passes(seed: int, n: int, special: float,
                                                         seen: float) -> None:
    rng = np.random.default_rng(seed)
    v = {k: _values(rng, n, special) for k in _NAMES}
    # ties and dust on purpose: cash exactly 0, arrears at the dust line, a draw at the
    # chance, totals that a round pushes past the rescaling line
    v["cash"] = np.where(rng.random(n) < 0.2, 0.0, v["cash"])
    v["arrears"] = np.where(rng.random(n) < 0.2, rng.choice([MONEY_DUST, 0.5e-9, 0.0], n),
                            v["arrears"])
    v["alive"] = rng.random(n) < 0.8
    v["e"] = np.where(rng.random(n) < 0.1, 1.0, np.exp(_values(rng, n, special)))
    v["u"] = np.where(rng.random(n) < 0.1, 0.5, rng.random(n))
    v["total"] = np.where(rng.random(n) < 0.1, 2e141, v["total"])
    # the most dilution's d / (1 - d): none (inf) on a third, else binding or not
    v["cap"] = np.where(rng.random(n) < 0.33, np.inf, np.abs(_values(rng, n, special)))
    # the yearly most dilution's d / (1 - d): none on a third; a window of shares before
    # (positive) and issued (room left, none, or overdrawn, as after a conversion)
    v["year"] = np.where(rng.random(n) < 0.33, np.inf, np.abs(_values(rng, n, special)))
    v["window"] = np.abs(np.stack([_values(rng, n, special) for _ in range(6)]))
    burn = np.stack([_values(rng, n, special) for _ in range(4)])
    want = _reference(burn, v, seen)
    got = _round(burn, v, seen)
    for g, w in zip(got, want, strict=True):
        assert same_bits(g, w) if g.dtype == np.float64 else np.array_equal(g, w)


def test_equity_round_hand_computed() -> None:
    """The worked example of `funding.py`: burn $1B a quarter, cash $0.5B, a 2-quarter
    buffer and 3-quarter rounds raise max(3 x 1, 0 + (2 x 1 - 0.5)) = $3B at a price of
    $20B per (billion) shares: 0.15 new shares, 1.15 in all."""
    one = np.ones(1)
    v = {"cash_open": 1.5 * one, "inflow": 0.0 * one, "cash": 0.5 * one, "arrears": 0.0 * one,
         "buffer": 2.0 * one, "round_quarters": 3.0 * one, "alive": np.ones(1, dtype=bool),
         "value": 20.0 * one, "e": 1.0 * one, "u": 0.4 * one, "shock": 1.0 * one,
         "total": 1.0 * one, "held": 0.0 * one, "cap": np.inf * one}
    _, amount, held, total, huge, _ = _round(np.ones((4, 1)), v)  # chance 1 / (1 + 1) = 0.5
    assert amount[0] == 3.0 and held[0] == 0.15 and total[0] == 1.15 and not huge
    v["u"] = 0.6 * one  # the draw fails: no round
    _, amount, held, total, _, _ = _round(np.ones((4, 1)), v)
    assert amount[0] == 0.0 and held[0] == 0.0 and total[0] == 1.0
    # at most 10% of the company: 20 x 0.1 / 0.9 = $2.2222B of the $3B, 2.2222 / 20 =
    # 0.11111 new shares, 10% of the 1.11111 after the round
    v["u"], v["cap"] = 0.4 * one, np.array([0.1 / 0.9])
    _, amount, held, total, _, _ = _round(np.ones((4, 1)), v)
    assert amount[0] == pytest.approx(2.2222222222222222, rel=1e-15)
    assert held[0] == pytest.approx(0.11111111111111111, rel=1e-15)
    assert held[0] / total[0] == pytest.approx(0.1, rel=1e-15)


def _sim(paths: int = 64) -> Sim:
    scenario = cc.load_scenario("seed-2025")
    return Sim(scenario, ChunkDraws(11, paths, 0, 1, False))


def test_cached_total_and_valuation_match_fresh_computations() -> None:
    """`total_shares` and `valuation` are cached; after a round, a new run-rate, a new
    sentiment and a default they still equal what they would be computed afresh."""
    sim = _sim()
    lab = sim.labs[0]
    for q in range(6):
        sim.step(q)
        fresh_total = np.asarray(sum(lab.shares.values()))
        assert same_bits(lab.total_shares(), fresh_total)
        assert lab.mature is not None  # seed-2025's labs' multiples mature
        mature, log_premium = lab.mature
        multiple = mature * np.exp(log_premium * 0.5 ** ((q / 4.0) / lab.half_life))
        fresh_value = np.where(lab.alive, multiple * np.exp(lab.loading * sim.market.sentiment)
                               * lab.run_rate, 0.0)
        assert same_bits(lab.valuation(sim), fresh_value)
    lab.alive[:5] = False  # a default changes the mask in place
    assert (lab.valuation(sim)[:5] == 0.0).all()
    lab.issue(sim.acct("market"), -1, np.full(sim.n, 1.0), np.full(sim.n, 2.0))
    assert same_bits(lab.total_shares(), np.asarray(sum(lab.shares.values())))


def test_one_compiled_signature_per_kernel_in_a_run() -> None:
    """Every call in a run passes the same array types (a read-only total included), so
    the kernel is compiled once on a fresh install."""
    with warnings.catch_warnings():  # the run's IRR notes are not this test's business
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        cc.simulate("seed-2025", paths=200, seed=3)
    assert len(equity_round.signatures) == 1  # type: ignore[attr-defined]  # numba dispatcher


def test_the_first_quarters_average_the_burn_seen_not_four() -> None:
    """A steady burn of $1.75B a quarter from the first quarter on, 6-quarter rounds, no
    cash: the quarters before the start are unknown, not zero burn, so the first round asks
    6 x 1.75 = $10.5B (with a divisor of 4 it was 6 x 1.75 / 4 = $2.625B, then 5.25 and
    7.875: undersized rounds, repeated)."""
    one = np.ones(1)
    v = {"cash_open": 1.75 * one, "inflow": 0.0 * one, "cash": 0.0 * one, "arrears": 0.0 * one,
         "buffer": 4.0 * one, "round_quarters": 6.0 * one, "alive": np.ones(1, dtype=bool),
         "value": 100.0 * one, "e": 1.0 * one, "u": 0.4 * one, "shock": 1.0 * one,
         "total": 1.0 * one, "held": 0.0 * one, "cap": np.inf * one}
    burn = np.zeros((4, 1))
    for seen in (1.0, 2.0, 3.0, 4.0):  # the quarters so far, each burning 1.75
        _, amount, _, _, _, _ = _round(burn, v, seen)
        assert amount[0] == 10.5
    # with four quarters seen and an opening history of zeros, the mean is the four's
    _, amount, _, _, _, _ = _round(np.zeros((4, 1)), v, 4.0)
    assert amount[0] == 6 * 1.75 / 4


def test_the_yearly_room_caps_a_round_and_moves_the_window() -> None:
    """The second round of `funding.py`'s yearly worked example: ``max_dilution_per_year``
    0.2 (ratio 0.25), 1.0 share before the window, 0.15 issued in it, 1.15 outstanding at a
    $20B pre-money: room for 0.25 - 0.15 = 0.10 shares at 20 / 1.15 = $17.39B a share, so
    $1.7391B of the $3B asked; the window then holds (1.0, 1.0, 1.15) before and
    (0, 0.15, 0.10) issued. With no room left (0.25 issued) the round is 0."""
    one = np.ones(1)
    v = {"cash_open": 1.5 * one, "inflow": 0.0 * one, "cash": 0.5 * one, "arrears": 0.0 * one,
         "buffer": 2.0 * one, "round_quarters": 3.0 * one, "alive": np.ones(1, dtype=bool),
         "value": 20.0 * one, "e": 1.0 * one, "u": 0.4 * one, "shock": 1.0 * one,
         "total": 1.15 * one, "held": 0.15 * one, "cap": np.inf * one, "year": 0.25 * one,
         "window": np.array([[1.0], [1.0], [1.0], [0.0], [0.0], [0.15]])}
    _, amount, held, total, _, window = _round(np.ones((4, 1)), v)
    assert amount[0] == pytest.approx(0.1 * 20 / 1.15, rel=1e-14)
    assert held[0] == pytest.approx(0.25, rel=1e-14) and total[0] == pytest.approx(1.25, rel=1e-14)
    assert window[:, 0] == pytest.approx([1.0, 1.0, 1.15, 0.0, 0.15, 0.1], rel=1e-14)
    v["window"] = np.array([[1.0], [1.0], [1.0], [0.0], [0.15], [0.10]])
    _, amount, held, _, _, window = _round(np.ones((4, 1)), v)
    assert amount[0] == 0.0 and held[0] == 0.15
    assert window[:, 0] == pytest.approx([1.0, 1.0, 1.15, 0.15, 0.1, 0.0], rel=1e-14)
