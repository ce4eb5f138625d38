"""Deals whose schedule runs past the scenario's horizon, and the note that names them.

Running a deal past the horizon is legitimate (a six-year look at an eight-year loan), but
the run does not see its end: what is still owed after the last quarter simulated is marked
at the horizon (balance x the debtor's one-year survival, docs/model.md), and later losses
are not simulated. `horizon_note` says so in one line; `chipcredit.simulate` issues it as a
`ChipcreditNote` and ``chipcredit validate`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chipcredit.units import format_quarter

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["Overrun", "horizon_note", "overruns"]


@dataclass(frozen=True)
class Overrun:
    """One deal or cloud contract whose schedule ends after the horizon.

    Attributes
    ----------
    what : str
        The deal's id (``big-loan``) or the contract in words (``neocloud's contract
        with lab-a``).
    path : str
        Its parameter path: ``deals.big-loan``, ``parties.neocloud.contracts[0]``.
    last : str
        The quarter its schedule ends, e.g. ``2033Q4`` (after the horizon).
    """

    what: str
    path: str
    last: str


def overruns(sc: Scenario) -> tuple[Overrun, ...]:
    """The deals and cloud contracts of ``sc`` whose last scheduled quarter
    (``last_quarter``) is after its horizon, in scenario order: deals, then contracts."""
    horizon = sc.horizon_quarters - 1  # offset of the last quarter simulated
    out: list[Overrun] = []
    for deal in sc.deals:
        last = deal.last_quarter(sc.quarter_of)
        if last is not None and last > horizon:
            out.append(Overrun(deal.id, f"deals.{deal.id}",
                               format_quarter(sc.start_index + last)))
    for party in sc.parties:
        if party.kind != "cloud":
            continue
        for k, contract in enumerate(party.contracts):
            last = contract.last_quarter(sc.quarter_of)
            if last > horizon:
                out.append(Overrun(f"{party.id}'s contract with {contract.tenant}",
                                   f"parties.{party.id}.contracts[{k}]",
                                   format_quarter(sc.start_index + last)))
    return tuple(out)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def horizon_note(sc: Scenario) -> str | None:
    """One line naming each deal and cloud contract of ``sc`` whose schedule ends after the
    horizon, grouped by the quarter it ends, and what the run does about it; None when every
    schedule ends by the horizon (a deal whose last quarter is the horizon's gives no note).

    Example: ``1 deal runs past the horizon (2031Q4): big-loan ends 2033Q4. What is still
    owed at the horizon is marked there (balance x the debtor's one-year survival); payments
    and losses after it are not simulated.``
    """
    late = overruns(sc)
    if not late:
        return None
    end = format_quarter(sc.start_index + sc.horizon_quarters - 1)
    n_deals = sum(o.path.startswith("deals.") for o in late)
    counted = " and ".join(
        [_count(n_deals, "deal")] * bool(n_deals)
        + [_count(len(late) - n_deals, "cloud contract")] * bool(len(late) - n_deals))
    ends: dict[str, list[str]] = {}
    for o in late:
        ends.setdefault(o.last, []).append(o.what)
    groups = "; ".join(f"{', '.join(names)} {'ends' if len(names) == 1 else 'end'} {last}"
                       for last, names in sorted(ends.items()))
    return (f"{counted} {'runs' if len(late) == 1 else 'run'} past the horizon ({end}): "
            f"{groups}. What is still owed at the horizon is marked there (balance x the "
            f"debtor's one-year survival); payments and losses after it are not simulated.")
