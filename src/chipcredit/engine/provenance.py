"""Money provenance: the cash of every lab, SPV and cloud tagged by where it came from.

The origins are each vendor plus one "other" (DESIGN.md section 5). Only accounts that can
pass money on are traced: labs, SPVs and clouds (the ledger's CONSTRAINED accounts). Money
leaving any other account carries one origin: a vendor's own money is that vendor's, and
everything else (customers, the equity market, investors, lenders, buyers) is "other".

A payment out of a traced account takes each origin's share in proportion to the payer's
balance (proportional tracing): paying ``a`` from a balance ``B`` holding ``T_o`` of origin
``o`` moves ``a * T_o / B`` of that origin. So a vendor that invests in a lab (or in an SPV,
or pays a cloud) and is then paid by it for hardware gets part of its own money back; that
part of its sales is *self-funded revenue*.

State: ``tags[slot, vendor, path]`` ($B) for each traced account and each vendor; the
"other" tag is implied, ``balance - tags.sum(vendors)``, so the tags always sum to the
balance. That keeps the state at (vendors) x (traced accounts) x (paths) rather than
(vendors + 1) x (all accounts), and skips every payment out of an account that has never
held a vendor's money (it moves nothing but "other").

Worked example: Nvidia puts $10B of equity into a lab holding $10B from its own revenue, so
the lab holds $20B, half Nvidia's. The lab buys $8B of Nvidia GPUs: $4B of it is Nvidia's
own money coming back (self-funded share 50%), and the lab keeps $6B of Nvidia money and $6B
of other money.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["OTHER", "Provenance"]

OTHER = -1
"""Origin index of money that is no vendor's."""
_TINY = 1e-12  # $B; a balance below this holds nothing worth tracing


class Provenance:
    """Origin tags of the traced accounts of one chunk.

    Parameters
    ----------
    traced : account indices to trace (labs, SPVs, clouds)
    vendors : account indices of the vendors, in the order of the origins
    n_accounts : number of accounts
    sizes : paths in each stream block of the chunk (for per-block sums)
    n_quarters : horizon in quarters

    Attributes
    ----------
    tags : (len(traced), len(vendors), n) $B of each vendor's money in each traced account
    sales : (len(vendors), n) this quarter's self-funded sales of each vendor ($B)
    sales_total : (len(vendors), n) the same since the start
    flow_sums : ``{(from, to, kind): (blocks, quarters)}`` per-block sums of the part of each
        flow into a vendor that is the vendor's own money coming back
    """

    def __init__(self, traced: Sequence[int], vendors: Sequence[int], n_accounts: int,
                 sizes: Sequence[int], n_quarters: int) -> None:
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
        self._tagged = np.zeros(len(traced), dtype=bool)
        """Whether a traced account has ever held a vendor's money (else it pays only other)."""
        self.sales = np.zeros((len(vendors), n))
        self.sales_total = np.zeros((len(vendors), n))
        self._quarter: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self.flow_sums: dict[tuple[int, int, str], NDArray[np.float64]] = {}

    def involved(self, source: int, target: int) -> bool:
        """Whether a transfer between these accounts changes any tag."""
        return self.slot[source] >= 0 or self.slot[target] >= 0

    def move(self, source: int, target: int, kind: str, where: NDArray[np.intp] | None,
             amt: NDArray[np.float64], balance: NDArray[np.float64]) -> None:
        """Tag a transfer of ``amt`` (on every path, or on the sorted paths ``where``),
        called before the ledger moves the balances: ``balance`` is the source's."""
        s, t = self.slot[source], self.slot[target]
        if s < 0:  # from an untraced account: one origin
            o = self.origin[source]
            if o != OTHER and t >= 0:
                row = self.tags[t, o]
                if where is None:
                    row += amt
                else:
                    row[where] += amt
                self._tagged[t] = True
            return
        if not self._tagged[s]:
            return  # the source holds only other money: nothing tagged moves
        tags = self.tags[s]
        if where is None:
            bal = balance
            held = tags
        else:
            bal = balance[where]
            held = tags[:, where]
        # the share of the payer's balance that leaves; more than the balance (never in a
        # sound ledger) leaves the excess untagged
        frac = np.divide(amt, bal, out=np.zeros_like(amt), where=bal > _TINY)
        np.minimum(frac, 1.0, out=frac)
        parts = held * frac
        if where is None:
            tags -= parts
        else:
            tags[:, where] = held - parts
        if t >= 0:
            if where is None:
                self.tags[t] += parts
            else:
                self.tags[t][:, where] += parts
            self._tagged[t] = True
            return
        v = self.origin[target]
        if v == OTHER:
            return
        back = parts[v]  # the vendor's own money coming back to it
        key = (source, target, kind)
        acc = self._quarter.get(key)
        if acc is None:
            acc = self._quarter[key] = np.zeros(self.n)
        if where is None:
            acc += back
            if kind == "sale":
                self.sales[v] += back
        else:
            acc[where] += back
            if kind == "sale":
                self.sales[v][where] += back

    def origins(self, account: int, balance: NDArray[np.float64]) -> NDArray[np.float64]:
        """Every origin's money in an account, ``(vendors + 1, n)`` $B, "other" last; for an
        untraced account, its whole balance is its own origin."""
        out = np.zeros((len(self.vendors) + 1, balance.shape[0]))
        s = self.slot[account]
        if s >= 0:
            out[:-1] = self.tags[s]
            out[-1] = balance - self.tags[s].sum(axis=0)
        else:
            out[self.origin[account]] = balance
        return out

    def worst_excess(self, balance: NDArray[np.float64], live: NDArray[np.bool_]) -> float:
        """Largest amount by which a live traced account's tags break ``0 <= tag`` or
        ``sum(tags) <= balance`` ($B), that is, by which a tag (the implied "other" one
        included) is negative. ``balance`` and ``live`` are (accounts, n)."""
        if not self.traced or not self.vendors or not self._tagged.any():
            return 0.0
        tags = self.tags
        # a vendor tag only shrinks by its own share of a payment, so it stays >= 0 (to
        # rounding) on every path, dead or alive: no mask needed
        low = max(0.0, -float(tags.min(initial=0.0)))
        other = balance[self.traced] - tags.sum(axis=1)
        return max(low, float(np.where(live[self.traced], -other, 0.0).max(initial=0.0)))

    def start_quarter(self) -> None:
        """Zero this quarter's self-funded sales."""
        self.sales.fill(0.0)

    def close_quarter(self, q: int) -> None:
        """Fold the quarter's self-funded flows into per-block sums and totals (this
        quarter's `sales` stay readable until `start_quarter`)."""
        for key, acc in self._quarter.items():
            sums = self.flow_sums.get(key)
            if sums is None:
                sums = self.flow_sums[key] = np.zeros((len(self.sizes), self.n_quarters))
            start = 0
            for b, size in enumerate(self.sizes):
                sums[b, q] += acc[start:start + size].sum()
                start += size
        self._quarter = {}
        self.sales_total += self.sales
