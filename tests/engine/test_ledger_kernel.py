"""The ledger's compiled loops (`chipcredit.engine.ledger_kernel`) against scalar references.

Each reference below is written path by path in plain Python floats, with the operations
the numpy passes the kernels replaced did, in the same order; since a Python float is an
IEEE double, a kernel that keeps those operations gives the same bits, which is what is
checked (values, and the sign of every zero). Hypothesis draws the shapes, the amounts
(zeros, -0.0, dust, amounts just inside and outside the tolerance, NaN and infinities) and
every mode of a transfer: dense or on a few paths, a row's first flow or not, deal slots,
and each way provenance tags move.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tests.engine.bits import same_bits

from chipcredit.engine.ledger import TOL
from chipcredit.engine.ledger_kernel import (
    NO_TAGS,
    ORIGIN,
    SHARE,
    nonzero_paths,
    quarter_checks,
    transfer,
)
from chipcredit.engine.provenance import TINY

ACCOUNTS, TRACED, VENDORS, SLOTS, TIMES = 5, 3, 2, 3, 4




def amounts(n: int, fine: bool = True) -> st.SearchStrategy[np.ndarray]:
    """(n,) transfer amounts: mostly valid ones (>= -TOL, finite), or anything."""
    valid = st.one_of(st.floats(0.01, 100.0), st.floats(0.01, 100.0), st.just(0.0), st.just(-0.0),
                      st.floats(-TOL, 0.0), st.floats(0.0, 1e3), st.floats(1e-12, 1e-8))
    elements = valid if fine else st.one_of(valid, st.floats(-1e3, -2 * TOL), st.just(math.nan),
                                            st.just(math.inf), st.just(-math.inf))
    return hnp.arrays(np.float64, n, elements=elements)


# -- transfer ------------------------------------------------------------------------------


NO_POOLS = np.zeros((1, 1))
"""No funded account's pool: these tests hold the balances' rule (a pool's is in
tests/engine/test_ledger_transfers.py)."""


def reference(state: dict[str, Any], args: dict[str, Any]) -> None:
    """`transfer`, one path at a time in Python floats (the numpy passes it replaced)."""
    bal, row, flows = state["balance"], state["row"], state["flows"]
    tags, back, sales = state["tags"], state["back"], state["sales"]
    amt, where, dense, gather = args["amt"], args["where"], args["dense"], args["gather"]
    n = bal.shape[1]
    paths = range(n) if dense else [int(i) for i in where]
    if args["fresh"]:
        row[:] = 0.0
    for j, i in enumerate(paths):
        a = float(amt[i] if dense or gather else amt[j])
        if args["mode"] == ORIGIN:
            tags[args["payee"], args["origin"], i] = tags[args["payee"], args["origin"], i] + a
        elif args["mode"] == SHARE:
            b = float(bal[args["source"], i])
            frac = a / b if b > TINY else 0.0  # np.divide(where=...), then np.minimum
            frac = frac if math.isnan(frac) else min(frac, 1.0)
            parts = [float(tags[args["payer"], v, i]) * frac for v in range(VENDORS)]
            for v in range(VENDORS):
                tags[args["payer"], v, i] = tags[args["payer"], v, i] - parts[v]
            for v in range(VENDORS):
                if args["payee"] >= 0:
                    tags[args["payee"], v, i] = tags[args["payee"], v, i] + parts[v]
                elif v == args["vendor"]:
                    back[i] = back[i] + parts[v]
                    if args["sale"]:
                        sales[v, i] = sales[v, i] + parts[v]
        bal[args["source"], i] = bal[args["source"], i] - a
        bal[args["target"], i] = bal[args["target"], i] + a
        row[i] = a if args["fresh"] else row[i] + a  # a first flow is copied: -0.0 stays
        for slot, sign in ((args["pay_slot"], -1.0), (args["get_slot"], 1.0)):
            if slot >= 0:
                flows[slot, args["time"], i] = flows[slot, args["time"], i] + sign * a


def call(state: dict[str, Any], args: dict[str, Any]) -> float:
    return float(transfer(
        state["balance"], args["source"], args["target"], args["amt"], args["where"],
        args["dense"], args["gather"], TOL, state["row"], args["fresh"], state["flows"],
        args["pay_slot"], args["get_slot"], args["time"], state["tags"], args["mode"],
        args["payer"], args["payee"], args["origin"], TINY, state["back"], state["sales"],
        args["vendor"], args["sale"], NO_POOLS, -1, -1))


LAYOUTS = ["dense", "gather", "aligned"]
"""Every path; a few paths of a full-length amount; a few paths and their amounts."""
ROUTES = {  # (mode, payee, vendor, sale); -2: any
    "untraced": (NO_TAGS, -2, -2, False),
    "one origin": (ORIGIN, -2, -2, False),
    "share to a traced payee": (SHARE, -2, -2, False),
    "share to a vendor, a sale": (SHARE, -1, -2, True),
    "share to a vendor, no sale": (SHARE, -1, -2, False),
    "share to no vendor": (SHARE, -1, -1, False),
}


@st.composite
def transfers(draw: st.DrawFn, layout: str | None = None, route: str | None = None,
              fine: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """(state, arguments) of one `transfer`; ``layout`` and ``route`` drawn when None."""
    n = draw(st.integers(1, 24))
    money = st.one_of(st.floats(-5.0, 50.0), st.floats(0.1, 50.0), st.just(0.0), st.just(1e-13),
                      st.just(-0.0))
    state = {
        "balance": draw(hnp.arrays(np.float64, (ACCOUNTS, n), elements=money)),
        "row": draw(hnp.arrays(np.float64, n, elements=money)),
        "flows": draw(hnp.arrays(np.float64, (SLOTS, TIMES, n), elements=money)),
        "tags": draw(hnp.arrays(np.float64, (TRACED, VENDORS, n),
                                elements=st.one_of(st.floats(0.0, 20.0), st.just(0.0)))),
        "back": draw(hnp.arrays(np.float64, n, elements=money)),
        "sales": draw(hnp.arrays(np.float64, (VENDORS, n), elements=money)),
    }
    source, target = draw(st.integers(0, ACCOUNTS - 1)), draw(st.integers(0, ACCOUNTS - 1))
    layout = layout or draw(st.sampled_from(LAYOUTS))
    dense, gather = layout == "dense", layout == "gather"
    where = np.array(sorted(draw(st.sets(st.integers(0, n - 1)))), dtype=np.intp)
    size = n if dense or gather else where.size
    amt = draw(amounts(size, fine))
    if fine and draw(st.booleans()):  # part of the payer's cash: a share strictly inside (0, 1)
        cash = np.abs(state["balance"][source])
        amt = cash[:size] if dense or gather else cash[where]
        amt = amt * draw(hnp.arrays(np.float64, amt.size, elements=st.floats(0.01, 0.99)))
    mode, payee, vendor, sale = ROUTES[route or draw(st.sampled_from(sorted(ROUTES)))]
    if payee == -2:
        payee = draw(st.integers(0, TRACED - 1))
    if vendor == -2:
        vendor = draw(st.integers(0 if mode == SHARE and payee < 0 else -1, VENDORS - 1))
    args = {
        "amt": amt, "where": np.empty(0, np.intp) if dense else where, "dense": dense,
        "gather": gather, "source": source, "target": target, "fresh": draw(st.booleans()),
        "pay_slot": draw(st.integers(-1, SLOTS - 1)), "get_slot": draw(st.integers(-1, SLOTS - 1)),
        "time": draw(st.integers(0, TIMES - 1)), "mode": mode,
        "payer": draw(st.integers(0, TRACED - 1)), "payee": payee,
        "origin": draw(st.integers(0, VENDORS - 1)), "vendor": vendor, "sale": sale,
    }
    return state, args


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("layout", LAYOUTS)
@settings(max_examples=25)
@given(data=st.data())
def test_a_transfer_gives_the_scalar_references_bits(layout: str, route: str,
                                                     data: st.DataObject) -> None:
    state, args = data.draw(transfers(layout, route))
    expected = {k: v.copy() for k, v in state.items()}
    reference(expected, args)
    assert call(state, args) == 0.0
    for name, want in expected.items():
        assert same_bits(state[name], want), name


@settings(max_examples=200)
@given(case=transfers(fine=False))
def test_a_bad_amount_is_reported_and_changes_nothing(case: tuple[dict[str, Any], dict[str, Any]]
                                                      ) -> None:
    state, args = case
    before = {k: v.copy() for k, v in state.items()}
    amt = args["amt"]
    moved = amt if args["dense"] or not args["gather"] else amt[args["where"]]
    ok = bool(np.all((moved >= -TOL) & (moved < np.inf)))
    got = call(state, args)
    if ok:
        assert got == 0.0
        return
    # as the numpy check said it: min (NaN if any is NaN) if below -TOL, else max (+inf)
    low, high = float(moved.min()), float(moved.max())
    want = low if not low >= -TOL else high
    assert got == want or (math.isnan(got) and math.isnan(want))
    for name, was in before.items():
        assert same_bits(state[name], was), name


def test_a_share_moves_the_payers_proportion_of_each_origin() -> None:
    """Hand case: a lab holds $20B, $10B of it vendor 0's and $4B vendor 1's; it pays $5B
    (a quarter of its cash) to vendor 0, a sale: $2.5B of vendor 0's own money comes back,
    and each tag keeps three quarters."""
    state = {"balance": np.array([[20.0], [0.0]]), "row": np.zeros(1), "flows": np.zeros((1, 1, 1)),
             "tags": np.array([[[10.0], [4.0]]]), "back": np.zeros(1), "sales": np.zeros((2, 1))}
    args = {"amt": np.array([5.0]), "where": np.empty(0, np.intp), "dense": True, "gather": False,
            "source": 0, "target": 1, "fresh": True, "pay_slot": -1, "get_slot": -1, "time": 0,
            "mode": SHARE, "payer": 0, "payee": -1, "origin": -1, "vendor": 0, "sale": True}
    assert call(state, args) == 0.0
    np.testing.assert_array_equal(state["tags"][0, :, 0], [7.5, 3.0])
    assert state["back"][0] == state["sales"][0, 0] == 2.5 and state["sales"][1, 0] == 0.0
    np.testing.assert_array_equal(state["balance"][:, 0], [15.0, 5.0])
    assert state["row"][0] == 5.0


# -- nonzero_paths -------------------------------------------------------------------------


def sparse_reference(values: np.ndarray, sparse: int) -> np.ndarray | None:
    """The numpy version: a strided sample settles dense arrays, then flatnonzero."""
    n = values.size
    if n >= 256:
        step = n // 128
        if np.count_nonzero(values[::step]) * sparse >= 2 * -(-n // step):
            return None
    where = np.flatnonzero(values)
    return where if where.size * sparse < n else None


@st.composite
def path_values(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.sampled_from([0, 1, 2, 7, 8, 9, 63, 255, 256, 300, 1000, 4096]))
    share = draw(st.sampled_from([0.0, 0.01, 0.1, 0.124, 0.126, 0.2, 0.5, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    special = np.array([1.0, -0.0, math.nan, -3.0, 1e-300, math.inf])
    values = np.where(rng.random(n) < share, rng.choice(special, n), 0.0)
    return values


@settings(max_examples=300)
@given(values=path_values(), sparse=st.sampled_from([2, 8]))
def test_nonzero_paths_match_numpys_choice(values: np.ndarray, sparse: int) -> None:
    got, want = nonzero_paths(values, sparse), sparse_reference(values, sparse)
    if want is None:
        assert got is None
    else:
        assert got is not None and got.dtype == np.intp
        np.testing.assert_array_equal(got, want)


def test_nonzero_paths_edges() -> None:
    # exactly n / 8 nonzero is dense; one fewer is sparse; an empty array is dense (nothing
    # to gain); -0.0 is zero and NaN is not
    values = np.zeros(64)
    values[:8] = 1.0
    assert nonzero_paths(values, 8) is None
    values[7] = -0.0
    np.testing.assert_array_equal(nonzero_paths(values, 8), np.arange(7))
    values[:7] = 0.0
    values[40] = math.nan
    np.testing.assert_array_equal(nonzero_paths(values, 8), [40])
    assert nonzero_paths(np.zeros(0), 8) is None


# -- quarter_checks ------------------------------------------------------------------------


def checks_reference(balance: np.ndarray, opening: np.ndarray, rows: np.ndarray,
                     moved: np.ndarray, constrained: np.ndarray, defaulted: np.ndarray,
                     tags: np.ndarray, traced: np.ndarray,
                     check_tags: bool) -> tuple[float, float, float, float]:
    """The numpy checks `Ledger.close_quarter` made before they were compiled."""
    net = np.zeros_like(balance)
    for k, s, d in moved:
        net[s] -= rows[k]
        net[d] += rows[k]
    total = float(np.abs(balance.sum(axis=0)).max(initial=0.0))
    recon = float(np.abs(balance - opening - net).max(initial=0.0))
    cash = np.where(defaulted[constrained], 0.0, balance[constrained])
    negative = max(0.0, -float(cash.min(initial=0.0)))
    excess = 0.0
    if check_tags:
        low = max(0.0, -float(tags.min(initial=0.0)))
        other = balance[traced] - tags.sum(axis=1)
        excess = max(low, float(np.where(~defaulted[traced], -other, 0.0).max(initial=0.0)))
    return total, recon, negative, excess


@settings(max_examples=150)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), n_rows=st.integers(0, 12),
       check_tags=st.booleans())
def test_quarter_checks_match_the_numpy_checks(seed: int, n: int, n_rows: int,
                                               check_tags: bool) -> None:
    rng = np.random.default_rng(seed)
    accounts = 6
    rows = rng.uniform(0.0, 10.0, (n_rows + 2, n))
    moved = np.array([(k, *rng.integers(0, accounts, 2)) for k in rng.permutation(n_rows)],
                     dtype=np.intp).reshape(-1, 3)
    opening = rng.normal(0.0, 10.0, (accounts, n))
    balance = opening.copy()
    for k, s, d in moved:  # a sound ledger, then some damage
        balance[s] -= rows[k]
        balance[d] += rows[k]
    balance[0] -= balance.sum(axis=0)
    balance += np.where(rng.random((accounts, n)) < 0.1, rng.normal(0.0, 1e-3, (accounts, n)), 0.0)
    constrained = rng.random(accounts) < 0.5
    defaulted = rng.random((accounts, n)) < 0.3
    traced = np.flatnonzero(constrained).astype(np.intp)
    tags = rng.uniform(-0.1, 5.0, (traced.size, VENDORS, n))
    want = checks_reference(balance, opening, rows, moved, constrained, defaulted, tags,
                            traced, check_tags)
    after = opening.copy()
    got = quarter_checks(balance, after, rows, moved, np.empty_like(balance), constrained,
                         defaulted, tags, traced, NO_POOLS, np.full(traced.size, -1, np.intp),
                         check_tags)
    assert got == pytest.approx(want, rel=1e-15, abs=0.0)
    assert got == want  # the same order of additions: the same bits
    assert same_bits(after, balance)  # the next quarter opens with this one's balances


def test_quarter_checks_hand_case() -> None:
    """Two accounts, one path: 3 moved from 0 to 1, but account 1 got 3.5 (0.5 from
    nowhere); account 0 is a live constrained account 2 below zero whose tag is 1."""
    opening = np.array([[1.0], [0.0]])
    balance = np.array([[-2.0], [3.5]])
    rows = np.array([[3.0]])
    moved = np.array([[0, 0, 1]], dtype=np.intp)
    got = quarter_checks(balance, opening, rows, moved, np.empty((2, 1)), np.array([True, False]),
                         np.zeros((2, 1), dtype=bool), np.array([[[1.0]]]),
                         np.array([0], dtype=np.intp), NO_POOLS, np.array([-1], dtype=np.intp),
                         True)
    # sum 1.5; account 1 is 0.5 off its flows; cash -2; other tag -2 - 1 = -3
    assert got == (1.5, 0.5, 2.0, 3.0)
