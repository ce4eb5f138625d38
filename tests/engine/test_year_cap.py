"""The rounds of four trailing quarters sell at most ``funding.max_dilution_per_year``.

With a yearly most dilution ``y`` quarter ``q``'s round issues at most
``y / (1 - y) * S_(q-3) - (N_(q-3) + N_(q-2) + N_(q-1))`` shares (``S_k`` the shares before
quarter ``k``'s round, ``N_k`` those it issued). The lab below (test_round_cap.py's) has a
flat run-rate of exactly $1B a year at 20x with a sentiment loading of 0, so its pre-money
valuation is $20B in every quarter, and $1B of cash against $5B a year of fixed costs: it
burns $1B a quarter, and with a 4-quarter buffer and 6-quarter rounds it asks
``max(6, 4 - cash)`` = $6B whenever its cash is under $4B. Every number is worked by hand.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.test_funding import base_case_sim
from tests.engine.test_round_cap import _scenario as _limited
from tests.engine.test_round_cap import market_rounds

import chipcredit as cc
from chipcredit.engine.sim import Sim


def _scenario(y: Any, *, horizon: int = 6, **kw: Any) -> cc.Scenario:
    """test_round_cap.py's lab with a yearly limit ``y``, over six quarters by default."""
    return _limited(y=y, horizon=horizon, **kw)


def _rounds(sim: Sim) -> list[float]:
    """The lab's round of each quarter, $B (one path)."""
    flows = sim.ledger.flow_sums[(sim.acct("market"), sim.labs[0].acct, "equity_round")]
    return [float(x) for x in flows.sum(axis=0)]


def _founders(sim: Sim) -> float:
    lab = sim.labs[0]
    return float(lab.shares[(sim.acct("founders"), -1)][0] / lab.total_shares()[0])


def test_the_year_caps_a_round_and_the_window_rolls_off_after_four_quarters() -> None:
    # y = 20%: the rounds of any four trailing quarters issue at most 0.25 x the shares
    # before the window.
    # q = 0: cash 0 < 4, asks 6; room 0.25 x 1.0 - 0 = 0.25 shares at 20 / 1.0 = $5B:
    #        raises 5 (capped), 0.25 new shares, 1.25 in all; cash 5
    # q = 1: cash 4, not under 4: no round
    # q = 2: cash 3, asks 6; room 0.25 x 1.0 - 0.25 = 0: raises nothing; cash 3
    # q = 3: cash 2, asks 6; the window is q = 0..3, room still 0: nothing; cash 1
    # q = 4: q = 0 has left the window: before it S_1 = 1.25, nothing issued in q = 1..3,
    #        room 0.25 x 1.25 = 0.3125 shares at 20 / 1.25 = $16: $5B again; 1.5625 shares,
    #        the founders keep 1 / 1.5625 = 64% = 0.8 ** 2; cash 6
    # q = 5: cash 5: no round
    sim = base_case_sim(_scenario(0.2))
    assert _rounds(sim) == pytest.approx([5.0, 0.0, 0.0, 0.0, 5.0, 0.0], rel=1e-14, abs=1e-14)
    assert float(sim.labs[0].total_shares()[0]) == pytest.approx(1.5625, rel=1e-14)
    assert _founders(sim) == pytest.approx(0.64, rel=1e-14)
    assert float(sim.labs[0].cash[0]) == pytest.approx(5.0, rel=1e-14)
    # without the limit: 6 at q = 0 (0.3 shares), then 6 more at q = 3 when cash is 3
    free = base_case_sim(_scenario(None))
    assert _rounds(free) == pytest.approx([6.0, 0.0, 0.0, 6.0, 0.0, 0.0], rel=1e-14, abs=1e-14)


def test_a_round_takes_what_room_the_year_has_left() -> None:
    # y = 30%: ratio 3 / 7 = 0.428571; the room at q = 0 is 0.428571 shares x 20 = $8.57B:
    # the $6B round closes whole (0.3 shares, 1.3 in all; cash 6). q = 1, 2: cash 5, 4: no
    # round. q = 3: cash 3, asks 6; room 3 / 7 - 0.3 = 0.9 / 7 shares at 20 / 1.3 a share
    # = 18 / 9.1 = $1.978B. The four quarters sold (0.3 + 0.9 / 7) / (1 + 3 / 7) = 30% of
    # the company: the founders keep 70%
    sim = base_case_sim(_scenario(0.3, horizon=4))
    assert _rounds(sim) == pytest.approx([6.0, 0.0, 0.0, 18 / 9.1], rel=1e-14, abs=1e-14)
    assert _founders(sim) == pytest.approx(0.7, rel=1e-14)


def test_the_stricter_of_the_two_limits_binds() -> None:
    # per round 5% (20 / 19 = $1.0526B a round), per year 20%: each quarter's round is
    # the per-round cap (cash stays under 4 throughout), and the year's room (0.25 x 1.0
    # shares) is not reached in two quarters: (1 / 19 + 20 / 361) = 0.108 shares
    sim = base_case_sim(_scenario(0.2, d=0.05, horizon=2))
    assert _rounds(sim) == pytest.approx([20 / 19, 20 / 19], rel=1e-14)
    # per round 50% ($20B), per year 20%: the year's $5B binds, as without a per-round cap
    sim = base_case_sim(_scenario(0.2, d=0.5, horizon=2))
    assert _rounds(sim) == pytest.approx([5.0, 0.0], rel=1e-14, abs=1e-14)


# a lab still short after a capped round defaults, the limit is sampled per path, and bad
# limits are refused: test_round_cap.py, for each limit


@settings(max_examples=10, deadline=None)
@given(y=st.floats(0.02, 0.6), seed=st.integers(0, 2**31 - 1))
def test_no_four_quarters_issue_more_than_y_over_1_minus_y_of_the_shares_before_them(
        y: float, seed: int) -> None:
    bound, binding = y / (1 - y), 0
    before: list[np.ndarray] = []
    issued: list[np.ndarray] = []
    for q, (shares, new) in enumerate(market_rounds(seed, y=y)):
        before.append(shares)
        issued.append(new)
        start = max(q - 3, 0)
        window = np.sum(issued[start:], axis=0)
        assert np.all(window <= bound * before[start] * (1 + 1e-12))
        binding += int(np.sum((window >= bound * before[start] * (1 - 1e-12))
                              & (issued[-1] > 0)))
    assert binding > 0  # the limit bound on some round, so it was tested where it bites
