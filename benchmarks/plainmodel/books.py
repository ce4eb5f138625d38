"""One path's books: every account's balance, each deal's cash flows per party, this
quarter's financing inflows, and the money provenance of the accounts that pass money on.

Money is in $B; the deal time grid has ``horizon + 1`` points (``k`` quarters after the
start; a funding flow at the beginning of quarter ``q`` is at ``q``, every other flow at
``q + 1``).
"""

from __future__ import annotations

__all__ = ["FINANCING_KINDS", "VENDOR_MONEY_KINDS", "Books"]

FINANCING_KINDS = frozenset({"equity", "equity_round", "loan_draw", "credit_draw", "tranche"})
"""Inflows that fund a lab or a cloud rather than measure its burn."""
VENDOR_MONEY_KINDS = frozenset({"equity", "tranche", "loan_draw", "credit_draw"})
"""A vendor's deal money into a lab (`money_in`), with a warrant's sale proceeds, the
issuer's money: gross, repayments not netted; a conversion of credit into shares moves no
money (the vendor buys shares and the lab repays the credit with it)."""
_TINY = 1e-12  # $B: a balance below this holds nothing worth tracing


class Books:
    """Balances, deal cash flows and provenance tags of one path.

    Parameters
    ----------
    accounts : every account name (built-ins, parties, SPVs)
    traced : accounts whose cash is tagged by origin (labs, SPVs, clouds)
    vendors : vendor ids, the origins besides "other"
    deal_parties : for each deal id, the parties whose flows its metrics count
    horizon : quarters
    funded : traced accounts whose balance is a net position (clouds with a funded balance
        sheet: the parent pays what they cannot); they are traced on a pool, the money
        they have received and not yet spent
    """

    def __init__(self, accounts: list[str], traced: list[str], vendors: list[str],
                 deal_parties: dict[str, list[str]], horizon: int,
                 funded: list[str] | None = None) -> None:
        self.balance = dict.fromkeys(accounts, 0.0)
        self.flows = {deal: {p: [0.0] * (horizon + 1) for p in parties}
                      for deal, parties in deal_parties.items()}
        self.financing_in = dict.fromkeys(accounts, 0.0)
        self.vendors = list(vendors)
        self.tags = {a: [0.0] * len(vendors) for a in traced}
        self.pool = dict.fromkeys(funded or [], 0.0)
        self.self_funded_sales = [0.0] * len(vendors)
        self.self_funded_total = [0.0] * len(vendors)
        self.sales_by: dict[tuple[str, str], float] = {}
        """This quarter's ``sale`` flows by (payer, vendor), $B."""
        self.money_in: dict[tuple[str, str], float] = {}
        """$B each vendor's deals moved into each account since the start, by (account,
        vendor): `VENDOR_MONEY_KINDS` from the vendor and a warrant's sale proceeds."""

    def pay(self, q: int, source: str, target: str, kind: str, amount: float,
            deal: str | None = None, begin: bool = False, counted: bool = True,
            origin: str | None = None, tied: dict[str, float] | None = None) -> None:
        """Move ``amount`` from ``source`` to ``target`` in quarter ``q``; ``origin``: the
        vendor whose money it is in effect (a warrant's sale proceeds: its issuer's);
        ``tied``: $B of each vendor's money that a deal tied to this payment (its credit
        paying for its own chips), spent first."""
        if source in self.tags or target in self.tags:
            self._trace(source, target, kind, amount, origin or source, tied or {})
        self.balance[source] -= amount
        self.balance[target] += amount
        if kind in FINANCING_KINDS:
            self.financing_in[target] += amount
        if kind == "sale":
            self.sales_by[source, target] = self.sales_by.get((source, target), 0.0) + amount
        vendor = (source if kind in VENDOR_MONEY_KINDS else origin if kind == "warrant_sale"
                  else None)
        if vendor in self.vendors:
            self.money_in[target, vendor] = self.money_in.get((target, vendor), 0.0) + amount
        if deal is not None and counted:
            flows = self.flows[deal]
            time = q if begin else q + 1
            if source in flows:
                flows[source][time] -= amount
            if target in flows:
                flows[target][time] += amount

    def _trace(self, source: str, target: str, kind: str, amount: float, origin: str,
               tied: dict[str, float]) -> None:
        """Proportional tracing: a payment from a traced account takes each origin's share
        of its balance (a funded cloud's: of its pool, which shrinks by the same share, and
        the parent pays what it does not cover); money from a vendor is that vendor's. Money
        a deal tied to the payment goes first: ``tied[v]`` of vendor ``v``'s money, as far
        as the payer holds it, then the rest of the payment in proportion to what is left."""
        into = self.tags.get(target)
        held = self.tags.get(source)
        if target in self.pool:
            self.pool[target] += amount
        if held is None:
            if origin in self.vendors and into is not None:
                into[self.vendors.index(origin)] += amount
            return
        funded = source in self.pool
        bal = self.pool[source] if funded else self.balance[source]
        first = [0.0] * len(held)
        for vendor, money in tied.items():  # what the payer still holds of it, within the payment
            o = self.vendors.index(vendor)
            first[o] = min(money, amount - sum(first), max(held[o], 0.0))
        for o, f in enumerate(first):
            held[o] -= f
        bal -= sum(first)
        frac = min((amount - sum(first)) / bal, 1.0) if bal > _TINY else 0.0
        if funded:
            self.pool[source] = bal - bal * frac
        parts = [t * frac for t in held]
        for o, part in enumerate(parts):
            held[o] -= part
            parts[o] += first[o]
        if into is not None:
            for o, part in enumerate(parts):
                into[o] += part
        elif target in self.vendors and kind == "sale":
            v = self.vendors.index(target)
            self.self_funded_sales[v] += parts[v]

    def start_quarter(self) -> None:
        self.self_funded_sales = [0.0] * len(self.vendors)
        self.sales_by = {}

    def close_quarter(self) -> None:
        for v, sales in enumerate(self.self_funded_sales):
            self.self_funded_total[v] += sales
        for account in self.financing_in:
            self.financing_in[account] = 0.0
