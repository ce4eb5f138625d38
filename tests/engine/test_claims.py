"""A claim's bookkeeping shortcuts give the numbers of the plain numpy expressions: discount
factors computed once for a rate shared by every path, a schedule that skips `np.where`
when no path is closed, a payment on no paths, and the identity gap."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tests.engine.bits import same_bits

from chipcredit.engine.claims import Claim
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.ledger import AccountClass, Ledger

N = 300


def _ledger() -> Ledger:
    draws = ChunkDraws(0, N, 0, 1, False)
    return Ledger(["customers", "lab", "lender"], [AccountClass.OUTSIDE,
                  AccountClass.CONSTRAINED, AccountClass.FUNDED], draws, 4, ["loan"], [[1, 2]])


def test_one_rate_for_every_path_discounts_with_the_bits_of_the_full_power() -> None:
    # times 1 and 2 take numpy's reciprocal and square shortcuts for ** -1 and ** -2
    for rate in (0.0, 0.0125, 0.021875, 1 / 3, 0.5):
        shared = Claim("debt", 2, 1, 0, N, rate, 1)
        per_path = Claim("debt", 2, 1, 0, N, np.full(N, rate), 1)
        for time in range(45):
            want = np.asarray((1.0 + np.full(N, rate)) ** (-float(time)))
            assert same_bits(shared.discount(time), want), (rate, time)
            assert same_bits(per_path.discount(time), want), (rate, time)


def test_schedule_is_the_where_of_the_open_paths() -> None:
    rng = np.random.default_rng(3)
    claim = Claim("rent", 2, 1, 0, N, rng.uniform(0.0, 0.05, N), 0)
    due = rng.uniform(0.0, 2.0, N)
    claim.schedule(due, 3)  # nothing closed: the amount itself
    assert same_bits(claim.due_now, 0.0 + due)
    assert same_bits(claim.pv_promised, 0.0 + due * (1.0 + claim.rate) ** -3.0)
    claim.closed[::7] = True
    claim.schedule(due, 4)  # closed paths are promised nothing more
    more = np.where(claim.closed, 0.0, due)
    assert same_bits(claim.due_now, (0.0 + due) + more)
    assert same_bits(claim.promised, (0.0 + due) + more)
    claim.schedule(1.5, 4)  # a number, spread over the open paths
    assert same_bits(claim.promised, ((0.0 + due) + more) + np.where(claim.closed, 0.0, 1.5))


def test_a_payment_on_no_paths_changes_nothing_but_notes_the_flow() -> None:
    ledger = _ledger()
    claim = Claim("debt", 2, 1, 0, N, 0.01, 1)
    claim.receive_at(ledger, 0, np.zeros(0, dtype=np.intp), np.zeros(0), "debt_service")
    assert (1, 2, "debt_service") in ledger._quarter
    assert not claim.paid.any() and not claim.pv_paid.any()
    assert 1 not in claim._discounts and 1 not in claim._factors  # no factor for nothing


def test_identity_gap_by_hand() -> None:
    claim = Claim("debt", 2, 1, 0, 3, 0.0, 1)
    claim.promised[:] = [10.0, 5.0, 1.0]
    claim.paid[:] = [4.0, 5.0, 0.0]
    claim.arrears[:] = [6.0, 0.5, 0.0]
    claim.written_off[:] = [0.0, 0.0, 3.0]
    # gaps 0, -0.5, -2: the largest magnitude is 2
    assert claim.identity_gap() == 2.0


def test_the_quarter_check_covers_a_clouds_own_claims() -> None:
    """promised = paid + arrears + written off is checked on a cloud's tranches, power bills
    and tenants' rent too, not only on labs' and deals' claims: a promise that no payment,
    arrears or write-off accounts for shows in `checks.claims`."""
    import chipcredit as cc
    from chipcredit.engine.sim import Sim

    sim = Sim(cc.load_scenario("seed-2025"), ChunkDraws(0, 1, 0, 1, True))
    sim.step(0)
    assert sim.ledger.checks.claims < 1e-9
    cloud = next(c for c in sim.clouds if c.tranches)
    tranche = cloud.tranches[0][0]
    tranche.promised[0] += 1.0  # $1B promised and never paid, in arrears or written off
    sim.step(1)
    assert sim.ledger.checks.claims >= 1.0 - 1e-9


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, (4, 6), elements=st.floats(width=64) | st.sampled_from([0.0, -0.0])))
def test_identity_gap_is_the_numpy_expression(parts: np.ndarray) -> None:
    """The compiled gap has the bits of the numpy expression it replaced (NaN where a path's
    gap is NaN); a layout the kernel does not take (a strided view) gives the same."""
    claim = Claim("debt", 2, 1, 0, 6, 0.0, 1)
    claim.promised[:], claim.paid[:], claim.arrears[:], claim.written_off[:] = parts
    with np.errstate(invalid="ignore", over="ignore"):
        want = float(np.abs(parts[0] - parts[1] - parts[2] - parts[3]).max(initial=0.0))
    got = claim.identity_gap()
    assert (math.isnan(got) and math.isnan(want)) or got == want
    wide = np.zeros(12)
    wide[::2] = parts[0]
    claim.promised = wide[::2]  # not contiguous: the numpy branch
    with np.errstate(invalid="ignore", over="ignore"):
        slow = claim.identity_gap()
    assert (math.isnan(slow) and math.isnan(want)) or slow == want
