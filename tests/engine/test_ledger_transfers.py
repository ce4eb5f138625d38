"""The ledger and money provenance, transfer by transfer, against a scalar ledger.

Hypothesis writes random programs of transfers (on every path, on a few paths, of nothing,
of one amount for all paths, with and without a deal, at the beginning or the end of the
quarter) and quarter ends on a small world of two vendors, two labs, an investor and the
customers. A plain-Python ledger replays each program path by path, with the rules of
`chipcredit.engine.ledger` and `chipcredit.engine.provenance` written out: balances, the
quarter's flow per (from, to, kind) and its per-block sums, deal cash flows, origin tags
(a funded cloud's on its pool, and money from an untraced account paid as another's),
the vendors' own money coming back, money a deal tied to a payment (spent first) and the
invariant checks. Everything must agree; the
balances, tags, rows and cash flows to the bit.
"""

from __future__ import annotations

import math
import types
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipcredit.engine.ledger import TOL, AccountClass, Ledger
from chipcredit.engine.provenance import TINY, Provenance
from chipcredit.errors import SimulationError

NAMES = ["customers", "nvidia", "amd", "lab", "cloud", "investor", "hyper"]
CLASSES = [AccountClass.OUTSIDE, AccountClass.FUNDED, AccountClass.FUNDED,
           AccountClass.CONSTRAINED, AccountClass.CONSTRAINED, AccountClass.FUNDED,
           AccountClass.FUNDED]
TRACED, VENDORS = [3, 4, 6], [1, 2]
POOLED = [6]  # a funded cloud: traced on its pool of money received and not yet spent
CONSTRAINED = [3, 4]
DEALS = [[1, 3], [2, 4, 5]]
QUARTERS = 3
KINDS = ["sale", "equity", "rent"]


def _ledger(n: int, sizes: list[int], trace: int | None = None) -> Ledger:
    draws = types.SimpleNamespace(n=n, sizes=sizes)
    prov = Provenance(TRACED, VENDORS, len(NAMES), sizes, QUARTERS, POOLED)
    return Ledger(NAMES, CLASSES, draws, QUARTERS, ["d0", "d1"], DEALS,  # type: ignore[arg-type]
                  trace, provenance=prov, flow_reservoir=n)


class ScalarLedger:
    """The ledger's rules, one path and one float at a time."""

    def __init__(self, n: int, sizes: list[int]) -> None:
        self.n, self.sizes = n, sizes
        self.bal = [[0.0] * n for _ in NAMES]
        self.tags = [[[0.0] * n for _ in VENDORS] for _ in TRACED]
        self.pool = [[0.0] * n for _ in POOLED]
        self.tagged = [False] * len(TRACED)
        self.sales = [[0.0] * n for _ in VENDORS]  # this quarter's
        self.sales_total = np.zeros((len(VENDORS), n))
        self.flows = [[[[0.0] * n for _ in range(QUARTERS + 1)] for _ in ps] for ps in DEALS]
        self.rows: dict[tuple[int, int, str], list[float]] = {}  # this quarter's, first use first
        self.back: dict[tuple[int, int, str], list[float]] = {}
        self.flow_sums: dict[tuple[int, int, str], np.ndarray] = {}
        self.back_sums: dict[tuple[int, int, str], np.ndarray] = {}
        self.opening = [row[:] for row in self.bal]
        self.worst = [0.0, 0.0, 0.0, 0.0]

    def pay(self, q: int, s: int, t: int, kind: str, amt: list[float], deal: int | None,
            begin: bool, counted: bool, origin: int | None = None,
            tied: tuple[int, list[float]] | None = None) -> None:
        moved = [a for a in amt if a != 0.0]
        if any(not (a >= -TOL and a < math.inf) for a in moved):
            raise SimulationError("bad amount")
        key = (s, t, kind)
        row = self.rows.setdefault(key, [0.0] * self.n)
        ps = TRACED.index(s) if s in TRACED else -1
        pt = TRACED.index(t) if t in TRACED else -1
        payer = s if origin is None else origin  # whose money an untraced source pays
        vendor_out = VENDORS.index(payer) if payer in VENDORS else -1
        vendor_in = VENDORS.index(t) if t in VENDORS else -1
        ks = POOLED.index(s) if s in POOLED else -1
        kt = POOLED.index(t) if t in POOLED else -1
        share = ps >= 0 and self.tagged[ps]
        if share and pt < 0 and vendor_in >= 0:
            back = self.back.setdefault(key, [0.0] * self.n)
        time = q if begin else q + 1
        # a traced account's money is a mix of origins: what it ties is not spent first
        first_row = (-1 if tied is None or tied[0] in TRACED else
                     VENDORS.index(tied[0]) if tied[0] in VENDORS else len(VENDORS))
        for i, a in enumerate(amt):
            if a == 0.0:
                continue  # nothing moves on this path (adding zero would change nothing)
            if ps < 0 and vendor_out >= 0 and pt >= 0:
                self.tags[pt][vendor_out][i] += a
            elif share and tied is not None:  # the tied money first, then pro rata
                b = self.pool[ks][i] if ks >= 0 else self.bal[s][i]
                held = sum(self.tags[ps][v][i] for v in range(len(VENDORS)))
                first = [0.0] * (len(VENDORS) + 1)
                t_i = tied[1][i] if first_row >= 0 else 0.0
                if t_i > 0.0 and a > 0.0:
                    have = self.tags[ps][first_row][i] if first_row < len(VENDORS) else b - held
                    first[first_row] = min(t_i, a, max(have, 0.0))
                rest, left = a - first[first_row], b - first[first_row]
                frac = min(rest / left, 1.0) if left > TINY else 0.0
                if ks >= 0:
                    p = self.pool[ks][i] - first[first_row]
                    self.pool[ks][i] = p - p * frac
                for v in range(len(VENDORS)):
                    h = self.tags[ps][v][i] - first[v]
                    part = h * frac
                    self.tags[ps][v][i] = h - part
                    moved_v = first[v] + part
                    if pt >= 0:
                        self.tags[pt][v][i] += moved_v
                    elif v == vendor_in:
                        back[i] += moved_v
                        if kind == "sale":
                            self.sales[v][i] += moved_v
            elif share or ks >= 0:
                b = self.pool[ks][i] if ks >= 0 else self.bal[s][i]
                frac = min(a / b, 1.0) if b > TINY else 0.0
                if ks >= 0:
                    self.pool[ks][i] = b - b * frac
                for v in range(len(VENDORS) if share else 0):
                    part = self.tags[ps][v][i] * frac
                    self.tags[ps][v][i] -= part
                    if pt >= 0:
                        self.tags[pt][v][i] += part
                    elif v == vendor_in:
                        back[i] += part
                        if kind == "sale":
                            self.sales[v][i] += part
            if kt >= 0:
                self.pool[kt][i] += a
            self.bal[s][i] -= a
            self.bal[t][i] += a
            row[i] += a
            if deal is not None and counted:
                for slot, acct in enumerate(DEALS[deal]):
                    if acct == s:
                        self.flows[deal][slot][time][i] -= a
                    if acct == t:
                        self.flows[deal][slot][time][i] += a
        if pt >= 0 and ((ps < 0 and vendor_out >= 0) or share):
            self.tagged[pt] = True

    def _block_sums(self, row: list[float]) -> list[float]:
        values, out, start = np.array(row), [], 0
        for size in self.sizes:
            out.append(float(values[start:start + size].sum()))
            start += size
        return out

    def close(self, q: int, defaulted: np.ndarray) -> None:
        for key, row in self.rows.items():
            sums = self.flow_sums.setdefault(key, np.zeros((len(self.sizes), QUARTERS)))
            sums[:, q] += self._block_sums(row)
        for key, row in self.back.items():
            sums = self.back_sums.setdefault(key, np.zeros((len(self.sizes), QUARTERS)))
            sums[:, q] += self._block_sums(row)
        bal, opening = np.array(self.bal), np.array(self.opening)
        net = np.zeros_like(bal)
        for (s, t, _kind), row in self.rows.items():
            net[s] -= row
            net[t] += row
        total = float(np.abs(bal.sum(axis=0)).max())
        recon = float(np.abs(bal - opening - net).max())
        live_labs = ~defaulted[CONSTRAINED]
        negative = max(0.0, float(np.where(live_labs, -bal[CONSTRAINED], 0.0).max()))
        excess = 0.0
        if any(self.tagged):
            tags = np.array(self.tags)
            room = bal[TRACED]  # what the tags may hold: the balance, or a funded one's pool
            for k, acct in enumerate(POOLED):
                room[TRACED.index(acct)] = self.pool[k]
            other = room - tags.sum(axis=1)
            live = ~defaulted[TRACED]
            excess = max(0.0, float(-tags.min()), float(np.where(live, -other, 0.0).max()))
        self.worst = [max(w, x) for w, x in zip(self.worst, (total, recon, negative, excess),
                                                strict=True)]
        self.sales_total += self.sales
        self.rows, self.back = {}, {}
        self.opening = [row[:] for row in self.bal]


@st.composite
def programs(draw: st.DrawFn) -> tuple[int, list[int], int, list[tuple[Any, ...]]]:
    n = draw(st.sampled_from([1, 5, 17, 40, 300]))
    sizes = [n] if n < 2 or draw(st.booleans()) else [n // 2, n - n // 2]
    seed = draw(st.integers(0, 2**32 - 1))
    ops: list[tuple[Any, ...]] = []
    for q in range(QUARTERS):
        ops.append(("start", q))
        for _ in range(draw(st.integers(0, 12))):
            ops.append((draw(st.sampled_from(["pay", "pay", "pay_at"])), q,
                        draw(st.integers(0, len(NAMES) - 1)), draw(st.integers(0, len(NAMES) - 1)),
                        draw(st.sampled_from(KINDS)),
                        draw(st.sampled_from(["dense", "few", "none", "scalar", "share"])),
                        draw(st.sampled_from([None, 0, 1])), draw(st.booleans()),
                        draw(st.booleans()), draw(st.sampled_from([None, None, 1, 2])),
                        draw(st.sampled_from([None, None, 1, 2, 3, 5]))))
        ops.append(("close", q))
    return n, sizes, seed, ops


def _amount(rng: np.random.Generator, pattern: str, n: int, cash: np.ndarray) -> np.ndarray:
    if pattern == "dense":
        return rng.uniform(0.0, 10.0, n)
    if pattern == "few":
        return np.where(rng.random(n) < 0.08, rng.uniform(0.0, 10.0, n), 0.0)
    if pattern == "scalar":
        return np.full(n, rng.uniform(0.0, 3.0))
    if pattern == "share":  # part of the payer's cash
        return np.maximum(cash, 0.0) * rng.uniform(0.0, 1.2, n)
    return np.zeros(n)


@settings(max_examples=60)
@given(program=programs())
def test_the_ledger_matches_a_scalar_ledger(program: tuple[int, list[int], int,
                                                           list[tuple[Any, ...]]]) -> None:
    n, sizes, seed, ops = program
    rng = np.random.default_rng(seed)
    led, ref = _ledger(n, sizes), ScalarLedger(n, sizes)
    prov = led.provenance
    assert prov is not None
    for acct, cash in ((1, 50.0), (2, 50.0), (3, 20.0)):  # the vendors and a lab start with cash
        led.pay(0, 0, acct, "opening", np.full(n, cash), begin=True)
        ref.pay(0, 0, acct, "opening", [cash] * n, None, True, True)
    for op in ops:
        if op[0] == "start":
            prov.start_quarter()
            ref.sales = [[0.0] * n for _ in VENDORS]
            continue
        if op[0] == "close":
            defaulted = rng.random((len(NAMES), n)) < 0.2
            led.close_quarter(op[1], defaulted)
            ref.close(op[1], defaulted)
            continue
        how, q, s, t, kind, pattern, deal, begin, counted, origin, funder = op
        if s in TRACED:  # only an untraced account can pay another's money
            origin = None
        amt = _amount(rng, pattern, n, led.balance[s])
        tied = None
        if funder is not None and how == "pay":  # some money of the payment a deal tied to it
            tied = (funder, rng.uniform(0.0, 1.5, n) * amt * (rng.random(n) < 0.7))
        if how == "pay":
            where = led.pay(q, s, t, kind, float(amt[0]) if pattern == "scalar" else amt, deal,
                            begin=begin, counted=counted, origin=origin,
                            tied=() if tied is None else [tied])
            if where is not None:  # the few paths that moved, all of them
                np.testing.assert_array_equal(where, np.flatnonzero(amt))
        else:
            paths = np.flatnonzero(amt)
            led.pay_at(q, s, t, kind, paths, amt[paths], deal, begin=begin, counted=counted,
                       origin=origin)
        ref.pay(q, s, t, kind, [float(a) for a in amt], deal, begin, counted, origin,
                None if tied is None else (tied[0], [float(x) for x in tied[1]]))
    np.testing.assert_array_equal(led.balance, ref.bal)
    np.testing.assert_array_equal(prov.tags, ref.tags)
    np.testing.assert_array_equal(prov.pools, ref.pool)
    np.testing.assert_array_equal(prov.sales, ref.sales)
    np.testing.assert_array_equal(prov.sales_total, ref.sales_total)
    for deal, flows in enumerate(led.cashflows):
        np.testing.assert_array_equal(flows, np.transpose(ref.flows[deal], (0, 2, 1)))
    assert list(led.flow_sums) == list(ref.flow_sums)  # in order of first use
    for key, sums in ref.flow_sums.items():
        np.testing.assert_array_equal(led.flow_sums[key], sums)
        squares = led.flow_sumsq[key]
        assert squares.shape == sums.shape and (squares >= 0).all()
    assert sorted(prov.flow_sums) == sorted(ref.back_sums)
    for key, sums in ref.back_sums.items():
        np.testing.assert_array_equal(prov.flow_sums[key], sums)
    checks = led.checks
    got = [checks.sum_to_zero, checks.reconcile, checks.negative_cash, checks.provenance]
    assert got == pytest.approx(ref.worst, rel=1e-9, abs=1e-12)
    assert len(checks.by_quarter) == QUARTERS


def test_flow_sums_and_squares_by_hand() -> None:
    """Two blocks of two paths; 1, 2 | 3, 0 from the lab to nvidia in quarter 0, and 4 more
    on path 0 in quarter 1: per-block sums 3 | 3, then 4 | 0; squares 5 | 9, then 16 | 0."""
    led = _ledger(4, [2, 2])
    led.pay(0, 3, 1, "sale", np.array([1.0, 2.0, 3.0, 0.0]))
    led.close_quarter(0, np.zeros((len(NAMES), 4), dtype=bool))
    led.pay(1, 3, 1, "sale", np.array([4.0, 0.0, 0.0, 0.0]))
    led.close_quarter(1, np.zeros((len(NAMES), 4), dtype=bool))
    key = (3, 1, "sale")
    np.testing.assert_array_equal(led.flow_sums[key], [[3.0, 4.0, 0.0], [3.0, 0.0, 0.0]])
    np.testing.assert_array_equal(led.flow_sumsq[key], [[5.0, 16.0, 0.0], [9.0, 0.0, 0.0]])
    np.testing.assert_array_equal(led.flow_reservoir[key][:2], [[1, 2, 3, 0], [4, 0, 0, 0]])
    # the lab, which has not defaulted, is 3 below zero after quarter 0 and 5 after 1
    assert led.checks.by_quarter == [3.0, 5.0]
    assert led.checks.negative_cash == 5.0 and led.checks.reconcile == 0.0


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("few", [False, True])
def test_a_bad_transfer_raises_and_books_nothing(bad: float, few: bool) -> None:
    led = _ledger(300, [300])
    led.pay(0, 1, 3, "equity", np.full(300, 5.0))  # nvidia money in the lab: tags move
    before = [led.balance.copy(), led.provenance.tags.copy(),  # type: ignore[union-attr]
              led._rows.copy(), dict(led._quarter)]
    amount = np.zeros(300) if few else np.full(300, 1.0)
    amount[7] = bad
    with pytest.raises(SimulationError, match=f"transfer sale of {bad!r}"):
        led.pay(0, 3, 1, "sale", amount, 0)
    np.testing.assert_array_equal(led.balance, before[0])
    np.testing.assert_array_equal(led.provenance.tags, before[1])  # type: ignore[union-attr]
    np.testing.assert_array_equal(led._rows, before[2])
    assert dict(led._quarter) == before[3]
    assert led.provenance._quarter == {}  # type: ignore[union-attr]


def test_paying_an_accounts_own_cash_moves_all_of_it() -> None:
    """The lab pays nvidia its whole balance, passed as the ledger's own row of it: the
    amount is the cash before the transfer, so nvidia receives it all."""
    led = _ledger(3, [3])
    led.pay(0, 0, 3, "opening", np.array([1.0, 2.0, 3.0]))
    led.pay(0, 3, 1, "sale", led.balance[3])
    np.testing.assert_array_equal(led.balance[3], 0.0)
    np.testing.assert_array_equal(led.balance[1], [1.0, 2.0, 3.0])


def test_pay_at_spreads_one_amount_over_its_paths_and_checks_them() -> None:
    led = _ledger(5, [5])
    led.pay_at(0, 0, 3, "opening", np.array([1, 3]), np.array(2.5))
    np.testing.assert_array_equal(led.balance[3], [0.0, 2.5, 0.0, 2.5, 0.0])
    with pytest.raises(IndexError):
        led.pay_at(0, 0, 3, "opening", np.array([1, 5]), np.ones(2))
    with pytest.raises(ValueError):
        led.pay_at(0, 0, 3, "opening", np.array([1, 2]), np.ones(3))
    with pytest.raises(IndexError):
        led.pay(0, 0, len(NAMES), "opening", np.ones(5))


@pytest.mark.parametrize("q", [-1, QUARTERS])
def test_a_transfer_outside_the_horizon_is_refused_not_written_past_the_arrays(q: int) -> None:
    # the compiled transfer indexes the flow rows unchecked: a quarter past the end used to
    # write outside them and crash the interpreter
    led = _ledger(5, [5])
    with pytest.raises(IndexError, match=f"transfer opening in quarter {q} of {QUARTERS}"):
        led.pay(q, 0, 3, "opening", np.ones(5))
    with pytest.raises(IndexError, match=f"transfer opening in quarter {q} of {QUARTERS}"):
        led.pay_at(q, 0, 3, "opening", np.array([1, 3]), np.ones(2))
    np.testing.assert_array_equal(led.balance[3], 0.0)


def test_the_trace_lists_the_traced_paths_transfers() -> None:
    led = _ledger(300, [300], trace=7)
    few = np.zeros(300)
    few[7] = 2.0
    led.pay(0, 0, 3, "opening", few)  # sparse, gathered from the full amount
    led.pay_at(0, 3, 1, "sale", np.array([2, 7]), np.array([0.5, 1.5]), 0)
    led.pay_at(0, 3, 1, "sale", np.array([2]), np.array([0.5]), 0)  # not the traced path
    led.pay(1, 1, 3, "refund", np.full(300, 0.25), begin=True)
    lines = [(t.time, t.source, t.target, t.kind, t.amount, t.deal) for t in led.trace]
    assert lines == [(1, "customers", "lab", "opening", 2.0, None),
                     (1, "lab", "nvidia", "sale", 1.5, "d0"),
                     (1, "nvidia", "lab", "refund", 0.25, None)]
