"""Money provenance: the cash of every lab, SPV and cloud tagged by where it came from.

The origins are each vendor plus one "other" (docs/design.md section 5). Only accounts that can
pass money on are traced: labs, SPVs and clouds (the ledger's CONSTRAINED accounts, and
clouds with ``balance_sheet: funded``). Money leaving any other account carries one origin:
a vendor's own money is that vendor's, and everything else (customers, the equity market,
investors, lenders, buyers) is "other" -- unless the transfer names the account whose money
it is in effect (``Ledger.pay(..., origin=)``): a warrant's sale proceeds come from the
market but are the issuer's money (its shareholders pay for them through dilution), so they
carry the issuer's tag.

A payment out of a traced account takes each origin's share in proportion to the payer's
balance (proportional tracing): paying ``a`` from a balance ``B`` holding ``T_o`` of origin
``o`` moves ``a * T_o / B`` of that origin. So a vendor that invests in a lab (or in an SPV,
or pays a cloud) and is then paid by it for hardware gets part of its own money back; that
part of its sales is *self-funded revenue*.

Money a deal ties to a payment is spent first (``Ledger.pay(..., tied=)``, `first`): a
vendor's credit drawn to pay for its chips, a facility's purchase draws, equity whose
``use_of_proceeds`` names the vendor. The payment takes ``f = min(t, a, T_o)`` of the tied
origin ``o`` first (``t`` tied, ``T_o`` what the payer still holds of it), then the share
``min((a - f) / (B - f), 1)`` of every origin of what is left. So chips on credit come back
to the vendor whole, whatever else the buyer holds.

A funded cloud's balance is a net position that goes negative as its parent pays its bills,
so it cannot be shared out. Such an account is traced on its *pool* instead: the money it has
received and not yet spent ($B, >= 0, every origin). What it receives adds to the pool (and
a vendor's part to that vendor's tag); a payment ``a`` takes the share ``min(a / pool, 1)``
of the pool and of each tag, and whatever the pool does not cover is the parent's money,
"other" (the parent tops up what the cloud's receipts do not cover and never sweeps them
back: nothing in the ledger repays it, so receipts are spent first). So money that goes
lab -> funded cloud (rent) -> vendor (GPUs) keeps its tag.

State: ``tags[slot, vendor, path]`` ($B) for each traced account and each vendor; the
"other" tag is implied, ``balance - tags.sum(vendors)`` (``pool - tags.sum(vendors)`` for a
funded account), so the tags always sum to the balance (the pool). That keeps the state at
(vendors) x (traced accounts) x (paths) rather than (vendors + 1) x (all accounts), plus one
pool per funded traced account, and skips every payment out of an account that has never
held a vendor's money and has no pool (it moves nothing but "other").

The arithmetic runs inside the ledger's compiled transfer (`ledger_kernel.transfer`), in
the same pass over the paths as the balances: `Provenance.route` says how a transfer moves
tags, and `Provenance.commit` notes it once the ledger has booked it.

Worked example: Nvidia puts $10B of equity into a lab holding $10B from its own revenue, so
the lab holds $20B, half Nvidia's. The lab buys $8B of Nvidia GPUs: $4B of it is Nvidia's
own money coming back (self-funded share 50%), and the lab keeps $6B of Nvidia money and $6B
of other money.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .ledger_kernel import NO_TAGS, ORIGIN, SHARE
from .row_sums import sum_rows

__all__ = ["OTHER", "TINY", "Provenance", "Route"]

OTHER = -1
"""Origin index of money that is no vendor's."""
TINY = 1e-12
"""$B; a payer's balance at most this holds nothing worth tracing (its share is 0)."""
_NO_BACK = np.zeros(1)  # `Route.back` of a transfer that moves no vendor's money back


class Route(NamedTuple):
    """How one transfer moves origin tags: the provenance arguments of
    `ledger_kernel.transfer` (see there; -1 is none)."""

    mode: int
    """`ledger_kernel.NO_TAGS`, `ORIGIN` or `SHARE`."""
    payer: int
    """Slot of the traced payer (`SHARE`)."""
    payee: int
    """Slot of the traced payee."""
    origin: int
    """The one origin of the money (`ORIGIN`)."""
    back: NDArray[np.float64]
    """(n,) $B this quarter's sum of ``vendor``'s own money coming back in this flow."""
    vendor: int
    """Origin index of the untraced vendor paid (`SHARE`)."""
    sale: bool
    """Whether the flow is a sale (it then counts in the vendor's self-funded sales)."""
    pool_out: int = -1
    """Row in `Provenance.pools` of a funded traced payer (its pool is shared out)."""
    pool_in: int = -1
    """Row in `Provenance.pools` of a funded traced payee (the amount adds to its pool)."""


class Provenance:
    """Origin tags of the traced accounts of one chunk.

    Parameters
    ----------
    traced : account indices to trace (labs, SPVs, clouds)
    vendors : account indices of the vendors, in the order of the origins
    n_accounts : number of accounts
    sizes : paths in each stream block of the chunk (for per-block sums)
    n_quarters : horizon in quarters
    pooled : the traced accounts whose balance is a net position (funded clouds), traced
        on their pool of money received and not yet spent

    Attributes
    ----------
    tags : (len(traced), len(vendors), n) $B of each vendor's money in each traced account
    pools : (len(pooled), n) $B each pooled account has received and not yet spent
    pool_of : (len(traced),) row in ``pools`` of each traced account's pool (-1: none)
    sales : (len(vendors), n) this quarter's self-funded sales of each vendor ($B)
    sales_total : (len(vendors), n) the same since the start
    flow_sums : ``{(from, to, kind): (blocks, quarters)}`` per-block sums of the part of each
        flow into a vendor that is the vendor's own money coming back
    """

    def __init__(self, traced: Sequence[int], vendors: Sequence[int], n_accounts: int,
                 sizes: Sequence[int], n_quarters: int, pooled: Sequence[int] = ()) -> None:
        n = int(sum(sizes))
        self.n = n
        self.sizes = list(sizes)
        self.n_quarters = n_quarters
        # plain lists: indexing them is cheaper than numpy scalars in the per-transfer path
        self.slot = [-1] * n_accounts
        for i, acct in enumerate(traced):
            self.slot[acct] = i
        self.origin = [OTHER] * n_accounts
        for i, acct in enumerate(vendors):
            self.origin[acct] = i
        self.traced = list(traced)
        self.vendors = list(vendors)
        self.tags = np.zeros((len(traced), len(vendors), n))
        if not set(pooled) <= set(traced):
            raise ValueError(f"pooled accounts {sorted(set(pooled) - set(traced))} are not traced")
        self.pool_row = [-1] * n_accounts
        for i, acct in enumerate(pooled):
            self.pool_row[acct] = i
        self.pool_of = np.array([self.pool_row[acct] for acct in traced], dtype=np.intp)
        self.pools = np.zeros((max(len(pooled), 1), n))  # one unused row when none: a 2-D array
        self._tagged = np.zeros(len(traced), dtype=bool)
        """Whether a traced account has ever held a vendor's money (else it pays only other)."""
        self.sales = np.zeros((len(vendors), n))
        self.sales_total = np.zeros((len(vendors), n))
        self._quarter: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self.flow_sums: dict[tuple[int, int, str], NDArray[np.float64]] = {}

    def route(self, source: int, target: int, kind: str, origin: int | None = None) -> Route | None:
        """How a transfer from ``source`` to ``target`` moves tags, for
        `ledger_kernel.transfer`; None when it moves none (it moves only "other" money into
        or out of accounts without a pool). ``origin``: the account whose money an untraced
        source pays in effect (its origin replaces the source's). Changes nothing: `commit`
        the route once the transfer is booked."""
        s, t = self.slot[source], self.slot[target]
        pin = self.pool_row[target]
        if s < 0:  # from an untraced account: one origin
            if t < 0:
                return None
            o = self.origin[source if origin is None else origin]
            if o == OTHER:  # other money: it only adds to a pool
                return None if pin < 0 else Route(NO_TAGS, -1, -1, -1, _NO_BACK, -1, False,
                                                  -1, pin)
            return Route(ORIGIN, -1, t, o, _NO_BACK, -1, False, -1, pin)
        if origin is not None:
            raise ValueError("a traced account pays its own money: origin= is for untraced ones")
        pout = self.pool_row[source]
        if not self._tagged[s]:  # the source holds only other money: nothing tagged moves
            if pout < 0 and pin < 0:
                return None
            return Route(NO_TAGS, -1, -1, -1, _NO_BACK, -1, False, pout, pin)
        if t >= 0:
            return Route(SHARE, s, t, -1, _NO_BACK, -1, False, pout, pin)
        v = self.origin[target]
        if v == OTHER:  # the share leaves the traced accounts
            return Route(SHARE, s, -1, -1, _NO_BACK, -1, False, pout)
        # the vendor's own money coming back to it, summed per (source, target, kind)
        back = self._quarter.get((source, target, kind))
        return Route(SHARE, s, -1, -1, np.zeros(self.n) if back is None else back, v,
                     kind == "sale", pout)

    def first(self, tied: Sequence[tuple[int, NDArray[np.float64]]]) -> NDArray[np.float64]:
        """The money a deal tied to a payment, by origin: ``(vendors + 1, n)`` $B, "other"
        last, from ``(account, amount)`` pairs (the account whose money it is; amounts
        ``(n,)`` $B). `tied.pass_on_first` spends it first. A traced account's money is a
        mix of origins, so what it tied is not spent first."""
        out = np.zeros((len(self.vendors) + 1, self.n))
        for acct, amount in tied:
            if self.slot[acct] < 0:
                out[self.origin[acct]] += amount  # OTHER, -1, is the last row
        return out

    def commit(self, route: Route, key: tuple[int, int, str]) -> None:
        """Note a booked transfer's `route`: its payee now holds vendor money (if traced),
        and a vendor's money coming back is summed for ``key`` (from, to, kind)."""
        if route.payee >= 0:
            self._tagged[route.payee] = True
        elif route.vendor >= 0 and key not in self._quarter:
            self._quarter[key] = route.back

    def tags_anything(self) -> bool:
        """Whether any traced account has ever held a vendor's money (else every tag is 0)."""
        return bool(self.traced and self.vendors and self._tagged.any())

    def origins(self, account: int, balance: NDArray[np.float64]) -> NDArray[np.float64]:
        """Every origin's money in an account, ``(vendors + 1, n)`` $B, "other" last; for an
        untraced account, its whole balance is its own origin. For a funded traced account
        (a pool), the money it has received and not yet spent, by origin (it sums to the
        pool, not to the balance: what the parent has paid beyond it is not money the
        account holds)."""
        out = np.zeros((len(self.vendors) + 1, balance.shape[0]))
        s = self.slot[account]
        if s >= 0:
            out[:-1] = self.tags[s]
            k = self.pool_row[account]
            out[-1] = (balance if k < 0 else self.pools[k]) - sum_rows(self.tags[s])
        else:
            out[self.origin[account]] = balance
        return out

    def start_quarter(self) -> None:
        """Zero this quarter's self-funded sales."""
        self.sales.fill(0.0)

    def close_quarter(self, q: int) -> None:
        """Fold the quarter's self-funded flows into per-block sums and totals (this
        quarter's `sales` stay readable until `start_quarter`)."""
        sizes = self.sizes
        even = len(set(sizes)) == 1  # blocks of one size: each block a row of one reshape
        for key, acc in self._quarter.items():
            sums = self.flow_sums.get(key)
            if sums is None:
                sums = self.flow_sums[key] = np.zeros((len(sizes), self.n_quarters))
            if even:  # a row's sum is a 1-D array's: the same bits, one call for every block
                sums[:, q] += acc.reshape(len(sizes), sizes[0]).sum(axis=1)
                continue
            start = 0
            for b, size in enumerate(sizes):
                sums[b, q] += acc[start:start + size].sum()
                start += size
        self._quarter = {}
        self.sales_total += self.sales
