"""Portfolio credit risk: each claim holder's claims under the scenario's deals, taken together
(a cloud's own `debt` tranches count as well, held by their lenders, as does a `loan` deal
to a cloud).

For every declared party that holds a claim (a loan, a vendor credit, SPV debt, a
take-or-pay fee), per path: the total credit loss (PV at each contract rate of promised
minus received, recoveries counted as received; a claim's loss below `MONEY_DUST` is
rounding residue and counts as 0), and per obligor the loss, the exposure at
default, the peak exposure, and the quarter of the first default (the obligor's own
default while a claim on it was outstanding, recovered in full or not; for an SPV's debt,
the SPV's failure to repay it in full). From those, over the paths on which the book holds
a claim (``held``: a claim with peak exposure above 0 there; a deal that may not close
has none where it did not), with the share of all paths they are beside them
(``held_share``, per obligor ``held_share_by_obligor``): expected loss, VaR and CVaR
(expected shortfall: the mean of the worst 5% or 1% of the paths, `expected_shortfall`) at
95% and 99% of the total loss over the horizon, the cumulative default probability of each
obligor by year (PD) and the cumulative probability of a default with a loss on it, the
book's PD (any obligor defaults), EAD (nominal, the balance that fell due at the default)
and ``ead_pv`` (the same discounted to the start at the claim's rate from the end of the
default quarter), LGD (loss given default: total loss over total ``ead_pv`` on the paths
with a default, both PV at the start and so on one date, a default recovered in full
counting with loss 0, a default with nothing recovered 1), so that expected loss is
``pd * lgd * ead_pv`` where every loss comes from a default; the same per obligor
(``*_by_obligor``, over the book's held paths, so that the obligors' expected losses add
up to the book's); the Herfindahl index of exposure by obligor, and
the share of exposure to labs the party also holds equity in (those three from the mean
exposures over all paths, 0 where a claim does not exist, so that a claim that rarely
exists weighs as little as it is expected to). The PD and the loss term structure of an
obligor are over the paths on which the book has a claim on it. For a book whose claims
``loan_guarantee`` deals cover, what the guarantors paid it (``guarantee_received``, PV at
the guaranteed deal's rate as the loss is) and ``expected_loss_net_of_guarantees`` beside
the expected loss, which still counts a guaranteed claim's loss against its borrower.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chipcredit.engine.dust import MONEY_DUST, snap
from chipcredit.scenario.deals import Equity, LoanGuarantee, MilestoneEquity, SpvLease

from .stats import describe

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim
    from chipcredit.scenario.model import Scenario

    from .result import Result

__all__ = ["expected_shortfall", "financed_labs", "held_paths", "portfolio_columns",
           "portfolio_summary"]

PREFIX = "portfolio"


def portfolio_columns(sim: Sim) -> dict[str, NDArray[np.float64]]:
    """Per-path outcome columns of every party's credit portfolio."""
    declared = {p.id for p in sim.scenario.parties}
    names = sim.account_names
    loss: dict[str, NDArray[np.float64]] = defaultdict(lambda: np.zeros(sim.n))
    by: dict[tuple[str, str, str], NDArray[np.float64]] = {}
    # a cloud's own debt tranches are credit like a deal's claims: their holders have a book
    tranches = [claim for cloud in sim.clouds for claim, _, _ in cloud.tranches]
    for claim in [*(c for deal in sim.deals for c in deal.claims), *tranches]:
        creditor, obligor = names[claim.creditor], names[claim.debtor]
        if creditor not in declared:
            continue  # an SPV's lease claim: its risk is its equity holders'
        # rounding residue of a claim paid in full (4.4e-16) is no loss: as the deals'
        # losses (metrics.position_losses)
        lost = snap(np.maximum(claim.loss(), 0.0), MONEY_DUST)
        loss[creditor] = loss[creditor] + lost
        # the EAD valued at the start as the loss is: discounted at the claim's rate from
        # the end of the default quarter, when the accelerated balance fell due (LGD is
        # their ratio, so both sides are on one date: docs/stress.md)
        at = claim.default_quarter
        ead_pv = np.where(at >= 0, claim.ead * (1.0 + claim.rate) ** -(np.maximum(at, 0.0) + 1.0),
                          0.0)
        for what, values in (("loss", lost), ("ead", claim.ead), ("ead_pv", ead_pv),
                             ("exposure", claim.peak_exposure)):
            key = (creditor, what, obligor)
            by[key] = by.get(key, 0.0) + values
        key = (creditor, "default_quarter", obligor)
        first = by.get(key)
        dq = claim.default_quarter
        by[key] = dq.copy() if first is None else np.where(
            (first < 0) | ((dq >= 0) & (dq < first)), dq, first)
    out = {f"{PREFIX}|{party}|loss": values for party, values in loss.items()}
    for (party, what, obligor), values in by.items():
        out[f"{PREFIX}|{party}|{what}|{obligor}"] = np.asarray(values, dtype=np.float64)
    return out


def held_paths(outcomes: Mapping[str, ArrayLike], party: str, paths: int) -> NDArray[np.bool_]:
    """The paths on which ``party``'s book holds a claim: one with peak exposure above 0
    (the outcomes ``portfolio|PARTY|exposure|OBLIGOR``; the JSON ``portfolios``'
    ``held_share`` is their share), ``(paths,)`` bool."""
    prefix = f"{PREFIX}|{party}|exposure|"
    held = np.zeros(paths, dtype=bool)
    for key, values in outcomes.items():
        if key.startswith(prefix):
            held |= np.asarray(values) > 0
    return held


def financed_labs(scenario: Scenario) -> dict[str, set[str]]:
    """For each party, the labs it holds equity in: through an equity or milestone deal,
    the opening cap table, or an SPV that leases to the lab."""
    out: dict[str, set[str]] = defaultdict(set)
    for party in scenario.parties:
        for holder in getattr(getattr(party, "equity", None), "holders", {}) or {}:
            out[holder].add(party.id)
    for deal in scenario.deals:
        if isinstance(deal, Equity | MilestoneEquity):
            out[deal.investor].add(deal.investee)
        elif isinstance(deal, SpvLease):
            for holder in deal.equity:
                out[holder].add(deal.lessee)
    return out


def expected_shortfall(loss: NDArray[np.floating], level: float) -> float:
    """Expected shortfall (CVaR) at ``level``: the mean loss over the worst ``1 - level``
    share of the paths, the boundary path weighted by the fraction of it that falls inside
    (Acerbi and Tasche, 2002, "On the coherence of expected shortfall").

    Parameters
    ----------
    loss : (n,) losses, $B (float32 or float64; computed in float64)
    level : confidence, e.g. 0.95

    With the losses sorted worst first, ``L[0] >= L[1] >= ...``, and ``k = n * (1 - level)``
    paths in the tail (``k`` rounded to 9 decimals, so 100 paths at 0.95 are exactly 5 and
    not 5.000000000000004), it is ``(L[0] + ... + L[m-1] + (k - m) * L[m]) / k`` with
    ``m = floor(k)``. One loss of 2 among 100 paths: 0.4 at 95% (2 / 5), 2 at 99%. It is
    coherent (subadditive), never below the ``level`` percentile of the loss or the mean
    loss, and, unlike ``mean(loss[loss >= VaR])``, it does not fall back to the mean loss
    when fewer than ``1 - level`` of the paths lose anything (VaR 0: every path would be
    "at or beyond" it).
    """
    worst = np.sort(np.asarray(loss, dtype=np.float64))[::-1]
    k = round(worst.size * (1.0 - level), 9)
    m = min(int(k), worst.size - 1)
    frac = k - m
    return float((worst[:m].sum() + frac * worst[m]) / k)


MIN_TAIL_PATHS = 10
"""A VaR or CVaR whose tail holds fewer paths than this (`tail_paths`) is a handful of
paths' losses, not a tail: the report, the dashboard and the paired tables mark it."""


def tail_paths(held: int, level: float) -> float:
    """The paths in the tail at ``level`` of ``held`` paths, ``held * (1 - level)``, rounded
    to 9 decimals as `expected_shortfall` counts them (100 paths at 0.95: 5, not
    5.000000000000004): what a VaR and a CVaR rest on. 3 held paths at 0.99 give 0.03,
    a CVaR that is the worst path alone.

    >>> tail_paths(100, 0.95), tail_paths(3, 0.99), tail_paths(2000, 0.99)
    (5.0, 0.03, 20.0)
    """
    return round(held * (1.0 - level), 9)


def _tail(loss: NDArray[np.float64], level: float) -> tuple[float, float, float]:
    """(VaR, CVaR, tail paths) at ``level``: the ``level`` percentile of the loss (numpy's
    linear rule, as every ``p95`` here), the `expected_shortfall` and the `tail_paths`
    they rest on."""
    return (float(np.quantile(loss, level)), expected_shortfall(loss, level),
            tail_paths(loss.size, level))


def portfolio_summary(result: Result) -> dict[str, Any]:
    """The ``portfolios`` section of the JSON summary."""
    sc = result.scenario
    lessee = {d.id: d.lessee for d in sc.deals if isinstance(d, SpvLease)}
    financed = financed_labs(sc)
    years = -(-sc.horizon_quarters // 4)
    out: dict[str, Any] = {}
    for key, total in result.outcomes.items():
        parts = key.split("|")
        if parts[0] != PREFIX or len(parts) != 3:
            continue
        party = parts[1]
        obligors = sorted({k.split("|")[3] for k in result.outcomes
                           if k.startswith(f"{PREFIX}|{party}|exposure|")})

        def col(what: str, obligor: str, party: str = party) -> NDArray[np.float64]:
            return result.outcomes[f"{PREFIX}|{party}|{what}|{obligor}"]

        # a claim exists on a path where its holder had exposure to it (peak exposure
        # above 0: principal, arrears, interest, an undrawn line or fees ahead); on the
        # others (a deal that never closed) it can neither default nor lose, and the
        # book's figures are over the paths on which it exists, given the deal closed
        held_by = {o: col("exposure", o) > 0 for o in obligors}
        held = np.zeros(result.paths, dtype=bool)
        for mask in held_by.values():
            held |= mask
        held_loss = total[held].astype(np.float64)  # kept outcomes are float32
        var95, cvar95, tail95 = _tail(held_loss, 0.95) if held.any() else (None, None, None)
        var99, cvar99, tail99 = _tail(held_loss, 0.99) if held.any() else (None, None, None)
        # the loss is 0 where no claim exists: the exact mean over all paths over the
        # share held is the exact mean over the paths held (the same bits on every path)
        expected = (result.mean(key) if held.all() else
                    result.mean(key) / float(np.mean(held)) if held.any() else None)
        exposure = {o: result.mean(f"{PREFIX}|{party}|exposure|{o}") for o in obligors}
        all_exposure = sum(exposure.values())
        shares = [e / all_exposure for e in exposure.values()] if all_exposure > 0 else []
        mine = financed.get(party, set())
        to_financed = sum(e for o, e in exposure.items() if lessee.get(o, o) in mine)
        pd_curve: dict[str, list[float] | None] = {}
        loss_curve: dict[str, list[float] | None] = {}
        for o in obligors:
            on = held_by[o]
            dq = col("default_quarter", o)[on]
            lost_o = col("loss", o)[on] > 0
            by_year = [(dq >= 0) & (dq < 4 * (y + 1)) for y in range(years)]
            pd_curve[o] = [float(np.mean(d)) for d in by_year] if on.any() else None
            loss_curve[o] = [float(np.mean(d & lost_o)) for d in by_year] if on.any() else None
        ead = np.zeros(result.paths)
        ead_pv = np.zeros(result.paths)
        lost = np.zeros(result.paths)
        for o in obligors:
            ead = ead + col("ead", o)
            ead_pv = ead_pv + _column(result, f"{PREFIX}|{party}|ead_pv|{o}")
            lost = lost + col("loss", o)
        hit = ead > 0
        n_held = int(np.count_nonzero(held))
        out[party] = {
            "horizon_quarters": sc.horizon_quarters,
            "held_share": float(np.mean(held)),
            "held_share_by_obligor": {o: float(np.mean(m)) for o, m in held_by.items()},
            "expected_loss": expected,
            "loss": (result.describe(key) if held.all()
                     else describe(total[held], mean=expected)),
            "var_95": var95, "cvar_95": cvar95, "var_99": var99, "cvar_99": cvar99,
            # the paths each rests on: under MIN_TAIL_PATHS it is a few paths, not a tail
            "tail_paths_95": tail95, "tail_paths_99": tail99,
            "pd_term_structure": pd_curve,
            "loss_term_structure": loss_curve,
            "pd": float(np.count_nonzero(hit & held) / n_held) if n_held else None,
            "ead": float(ead[hit].mean()) if hit.any() else 0.0,
            "ead_pv": float(ead_pv[hit].mean()) if hit.any() else 0.0,
            "lgd": _lgd(lost, ead_pv, hit),
            **_by_obligor(result, party, obligors, held),
            "exposure_by_obligor": exposure,
            "hhi": float(sum(s * s for s in shares)) if shares else None,
            "share_of_exposure_to_labs_also_financed": (to_financed / all_exposure
                                                        if all_exposure > 0 else None),
            **_guarantees(result, party, held, expected),
        }
    return out


def _guarantees(result: Result, party: str, held: NDArray[np.bool_],
                expected: float | None) -> dict[str, float | None]:
    """What ``loan_guarantee`` deals paid ``party`` on its guaranteed claims, beside its
    expected credit loss, which stays defined against the borrower (the guarantee is not
    netted in ``expected_loss``, ``lgd`` or the tail figures).

    Returns
    -------
    dict
        ``guarantee_received``: the mean over the book's held paths of the guarantee
        payments to ``party``, each discounted to the start at the guaranteed deal's rate
        from the end of the quarter it was paid (the end of the default quarter), so on the
        same footing as the credit loss ($B; the guarantor's ``loss`` in each guarantee
        deal, which is that present value); ``expected_loss_net_of_guarantees``:
        ``expected_loss`` less it ($B). Both None where no ``loan_guarantee`` deal names
        ``party`` as its lender.
    """
    deals = [d for d in result.scenario.deals
             if isinstance(d, LoanGuarantee) and d.lender == party]
    if not deals or expected is None:
        return {"guarantee_received": None, "expected_loss_net_of_guarantees": None}
    total = sum(result.mean(f"deal|{d.id}|{d.guarantor}|loss") for d in deals)
    # paid only where a guaranteed claim of the book was written off, so 0 off the held
    # paths: the mean over all paths over the share held is the mean over those held
    received = total if held.all() else total / float(np.mean(held))
    net = expected - received
    # a full guarantee nets to 0 up to float noise: that is no loss (as MONEY_DUST elsewhere)
    return {"guarantee_received": received,
            "expected_loss_net_of_guarantees": 0.0 if abs(net) < MONEY_DUST else net}


def _column(result: Result, key: str) -> NDArray[np.float64]:
    """An outcome in float64; 0 on every path where a run stored before the column existed
    has none (a ``portfolio|P|ead_pv|O`` of a run store written before 2026-12-01)."""
    values = result.outcomes.get(key)
    return np.zeros(result.paths) if values is None else np.asarray(values, dtype=np.float64)


def _lgd(lost: NDArray[np.float64], ead_pv: NDArray[np.float64],
         hit: NDArray[np.bool_]) -> float | None:
    """Loss given default: the loss (PV at the start) over the EAD valued at the start as
    well (``ead_pv``), summed over the paths with a default; None where none has one or
    the EAD's value is unknown (a stored run from before ``ead_pv``)."""
    if not hit.any():
        return None
    denominator = float(ead_pv[hit].sum())
    return float(lost[hit].sum()) / denominator if denominator > 0 else None


def _by_obligor(result: Result, party: str, obligors: list[str],
                held: NDArray[np.bool_]) -> dict[str, dict[str, float | None]]:
    """Each obligor's credit figures in ``party``'s book, over the paths on which the book
    holds a claim (``held``, as the book's own expected loss), so that the obligors'
    expected losses add up to the book's and, for each obligor (as for the book),
    ``expected_loss = pd * lgd * ead_pv`` where every loss comes from a default.

    Returns
    -------
    dict
        ``pd_by_obligor`` (share of the held paths on which the obligor defaults with a
        claim of the book outstanding on it), ``ead_by_obligor`` and ``ead_pv_by_obligor``
        ($B, mean over the paths with its default: nominal at the default quarter, and
        discounted to the start), ``lgd_by_obligor`` and ``expected_loss_by_obligor``
        ($B, mean over the held paths; PV at the start; from the run's exact float64 sums,
        as the book's ``expected_loss``), each keyed by obligor.
    """
    n_held = int(np.count_nonzero(held))
    out: dict[str, dict[str, float | None]] = {
        f"{what}_by_obligor": {} for what in ("pd", "ead", "ead_pv", "lgd", "expected_loss")}
    for o in obligors:
        ead = _column(result, f"{PREFIX}|{party}|ead|{o}")
        ead_pv = _column(result, f"{PREFIX}|{party}|ead_pv|{o}")
        lost = _column(result, f"{PREFIX}|{party}|loss|{o}")
        hit = (ead > 0) & held
        out["pd_by_obligor"][o] = float(np.count_nonzero(hit) / n_held) if n_held else None
        out["ead_by_obligor"][o] = float(ead[hit].mean()) if hit.any() else 0.0
        out["ead_pv_by_obligor"][o] = float(ead_pv[hit].mean()) if hit.any() else 0.0
        out["lgd_by_obligor"][o] = _lgd(lost, ead_pv, hit)
        # as the book's own expected loss: the exact mean (float64 per-block sums) over all
        # paths over the share held, not a sum of the kept float32 outcomes, so that a
        # single-obligor book's figure equals its expected_loss to the bit
        key = f"{PREFIX}|{party}|loss|{o}"
        out["expected_loss_by_obligor"][o] = (
            None if not n_held else result.mean(key) if held.all()
            else result.mean(key) / float(np.mean(held)))
    return out
