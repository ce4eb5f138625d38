"""Money provenance through a funded cloud's pool and from a warrant's sale proceeds.

A cloud with ``balance_sheet: funded`` has a balance that is a net position (its parent pays
what it cannot), so it is traced on its pool: the money it has received and not yet spent.
A warrant's sale proceeds come from the market but are the issuer's money. The hand cases
book transfers on a small ledger (money in $B); the last two run the engine end to end.
"""

from __future__ import annotations

import types

import numpy as np
import pytest
from tests.test_deployment_warrant import run, world

from chipcredit.engine.ledger import AccountClass, Ledger
from chipcredit.engine.provenance import Provenance

NAMES = ["customers", "market", "nvidia", "amd", "lab", "cloud"]
CUSTOMERS, MARKET, NVIDIA, AMD, LAB, CLOUD = range(6)
CLASSES = [AccountClass.OUTSIDE, AccountClass.OUTSIDE, AccountClass.FUNDED, AccountClass.FUNDED,
           AccountClass.CONSTRAINED, AccountClass.FUNDED]
N = 2  # paths: the same transfers on both (path 1 at twice the amounts: shares, not sums)


def _ledger() -> tuple[Ledger, Provenance]:
    prov = Provenance([LAB, CLOUD], [NVIDIA, AMD], len(NAMES), [N], 2, pooled=[CLOUD])
    draws = types.SimpleNamespace(n=N, sizes=[N])
    led = Ledger(NAMES, CLASSES, draws, 2, [], [], provenance=prov)  # type: ignore[arg-type]
    return led, prov


def _pay(led: Ledger, source: int, target: int, kind: str, amount: float,
         origin: int | None = None) -> None:
    led.pay(0, source, target, kind, np.array([amount, 2.0 * amount]), origin=origin)


def _cloud(led: Ledger, prov: Provenance) -> np.ndarray:
    """The cloud's (nvidia, amd, other, pool) on path 0, after checking path 1 is twice it."""
    got = np.append(prov.origins(CLOUD, led.balance[CLOUD]), prov.pools[:1], axis=0)
    np.testing.assert_allclose(got[:, 1], 2.0 * got[:, 0], rtol=1e-12, atol=1e-12)
    assert (got >= -1e-12).all()  # no tag, no "other" and no pool is ever negative
    return got[:, 0]


def test_a_funded_clouds_pool_carries_the_vendors_money_to_its_gpus() -> None:
    led, prov = _ledger()
    # the lab holds $10B: $5B of its own, $5B of Nvidia equity; its $10B rent is all of it
    _pay(led, MARKET, LAB, "opening_balance", 5.0)
    _pay(led, NVIDIA, LAB, "equity", 5.0)
    _pay(led, LAB, CLOUD, "cloud_rent", 10.0)
    np.testing.assert_allclose(_cloud(led, prov), [5.0, 0.0, 5.0, 10.0])
    # the cloud buys $8B of Nvidia GPUs: 8/10 of its pool, so $4B of Nvidia's $5B comes back
    _pay(led, CLOUD, NVIDIA, "sale", 8.0)
    assert prov.sales[0, 0] == pytest.approx(4.0, rel=1e-12)
    np.testing.assert_allclose(_cloud(led, prov), [1.0, 0.0, 1.0, 2.0], rtol=1e-12)
    # a later $20B purchase with $2B in the pool: the pool's last $1B of Nvidia money comes
    # back and the other $19B is the parent's ("other"); the balance goes to -$18B
    _pay(led, CLOUD, NVIDIA, "sale", 20.0)
    assert prov.sales[0, 0] == pytest.approx(5.0, rel=1e-12)
    np.testing.assert_allclose(_cloud(led, prov), [0.0, 0.0, 0.0, 0.0], atol=1e-12)
    assert led.balance[CLOUD, 0] == pytest.approx(-18.0)
    # below zero, it still traces what it receives: $6B of Nvidia rent, half of it spent
    _pay(led, NVIDIA, LAB, "equity", 6.0)
    _pay(led, LAB, CLOUD, "cloud_rent", 6.0)
    _pay(led, CLOUD, NVIDIA, "sale", 3.0)
    assert prov.sales[0, 0] == pytest.approx(8.0, rel=1e-12)
    np.testing.assert_allclose(_cloud(led, prov), [3.0, 0.0, 0.0, 3.0], rtol=1e-12)
    assert led.balance[CLOUD, 0] == pytest.approx(-15.0)
    led.close_quarter(0, np.zeros((len(NAMES), N), dtype=bool))
    assert led.checks.provenance == 0.0  # tags >= 0 and at most the pool, on every path


def test_other_money_fills_the_pool_and_dilutes_the_vendors_share() -> None:
    """$4B of Nvidia rent and $12B of a lender's draw: a $8B purchase is half the pool, so
    $2B of it is Nvidia's; the parent's money never enters the pool."""
    led, prov = _ledger()
    _pay(led, NVIDIA, LAB, "equity", 4.0)
    _pay(led, LAB, CLOUD, "cloud_rent", 4.0)
    _pay(led, MARKET, CLOUD, "loan_draw", 12.0)
    _pay(led, CLOUD, CUSTOMERS, "infrastructure", 8.0)  # power: half the pool, other money
    np.testing.assert_allclose(_cloud(led, prov), [2.0, 0.0, 6.0, 8.0], rtol=1e-12)
    _pay(led, CLOUD, NVIDIA, "sale", 8.0)
    assert prov.sales[0, 0] == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(_cloud(led, prov), [0.0, 0.0, 0.0, 0.0], atol=1e-12)


def test_a_warrants_sale_proceeds_are_the_issuers_money() -> None:
    """The lab sells its vested AMD shares for $6B (the market pays) and, holding nothing
    else, buys $4B of AMD GPUs: all of it is AMD's own money coming back. With $2B of
    other money beside the $2B of proceeds left, half of a $2B purchase is."""
    led, prov = _ledger()
    _pay(led, MARKET, LAB, "warrant_sale", 6.0, origin=AMD)
    _pay(led, LAB, AMD, "sale", 4.0)
    assert prov.sales[1, 0] == pytest.approx(4.0, rel=1e-12)  # 100% self-funded
    assert prov.sales[0, 0] == 0.0
    _pay(led, MARKET, LAB, "revenue", 2.0)  # now $2B of AMD's and $2B of other money
    _pay(led, LAB, AMD, "sale", 2.0)
    assert prov.sales[1, 0] == pytest.approx(5.0, rel=1e-12)
    with pytest.raises(ValueError, match="origin"):  # a traced account pays its own money
        _pay(led, LAB, CLOUD, "cloud_rent", 1.0, origin=AMD)


def test_the_warrant_deal_tags_its_sale_proceeds_with_the_issuer() -> None:
    """On the warrant's deterministic world (tests/test_deployment_warrant.py) the holder
    sells 40M AMD shares at $200 in 2026Q3 ($8B): only from then on are its AMD purchases
    partly AMD's own money. Held shares bring no money, so none is."""
    sold = run(world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0}], sale="on_vest"))
    own = sold.bands("amd", "self_funded_share")["mean"].to_numpy()
    assert (own[:4] == 0.0).all() and (own[4:] > 0.0).all()  # the sale falls at 2026Q3's end
    held = run(world([{"shares": 40.0, "deployed": 1.0, "hurdle": 0.0}], sale="hold"))
    assert (held.bands("amd", "self_funded_share")["mean"].to_numpy() == 0.0).all()
