"""The market: AI demand with its winter regime, hardware costs and residual values, rates."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Flag, Model
from .number import (
    Fraction,
    Growth,
    Money,
    Number,
    Positive,
    Probability,
    Rate,
    Signed,
    Volatility,
    whole_quarters,
)

__all__ = ["AiDemand", "Choice", "Hardware", "Market", "Rates", "Sentiment", "Winter"]


def _n(x: float) -> Number:
    return Number(value=x)


class Winter(Model):
    """The AI-winter regime: a two-state Markov chain switched once per quarter.

    Attributes
    ----------
    enter_per_year, exit_per_year : probability per year of entering / leaving winter
    growth_hit : effective annual growth added to every lab's revenue while in winter
        (-0.6: revenue falls at a 60% annual rate); above -1
    start_in_winter : whether the first quarter starts in winter
    """

    enter_per_year: Probability
    exit_per_year: Probability
    growth_hit: Growth = Field(default_factory=lambda: _n(-0.5))
    start_in_winter: Flag = False


class Sentiment(Model):
    """Sentiment: an exponentially weighted average of demand shocks less a winter penalty.

    ``s_t = (1 - weight) * s_{t-1} + weight * z_t - winter_penalty * winter_t`` (unitless;
    it moves valuations and funding odds).
    """

    weight: Fraction = Field(default_factory=lambda: _n(0.3))
    winter_penalty: Money = Field(default_factory=lambda: _n(1.0))


class AiDemand(Model):
    """The common AI-demand factor (a standard normal shock per quarter) and its regime.

    Attributes
    ----------
    volatility : annual volatility of the common factor's effect on revenue growth
    """

    volatility: Volatility
    winter: Winter
    sentiment: Sentiment = Field(default_factory=Sentiment)


class Hardware(Model):
    """Capacity costs, useful life and the used-GPU market.

    Attributes
    ----------
    all_in_cost_per_unit : $B per capacity unit, all in (GPUs, buildings, power, network).
        The vendor's content per unit goes to the vendor; the rest goes to ``customers``.
    cost_change_per_year : effective annual change of the all-in cost
    useful_life_years : quarters of service are ``4 * useful_life_years``; then retired
    residual_value_by_age : used-GPU value as a share of cost at each whole year of age
        (index 0 = new), interpolated linearly by quarter in between; the last entry holds
        for older GPUs
    residual_beta : loading of the residual index on the demand factor (wrong-way risk)
    residual_volatility : annual volatility of the residual index's own shock
    winter_residual_hit : share by which residual values fall while in winter
    fire_sale_haircut : share lost when collateral is sold in a default
    power_cost_per_unit_year : $B per capacity unit per year of operating cost (power)
    """

    all_in_cost_per_unit: Positive
    cost_change_per_year: Growth = Field(default_factory=lambda: _n(0.0))
    # counted in whole quarters (each path's own): marked so, as a term, for `solve`
    useful_life_years: Annotated[Positive, whole_quarters] = Field(default_factory=lambda: _n(5.0))
    residual_value_by_age: tuple[Fraction, ...] = Field(min_length=1)
    residual_beta: Signed = Field(default_factory=lambda: _n(0.5))
    residual_volatility: Volatility = Field(default_factory=lambda: _n(0.1))
    winter_residual_hit: Fraction = Field(default_factory=lambda: _n(0.3))
    fire_sale_haircut: Fraction
    power_cost_per_unit_year: Money = Field(default_factory=lambda: _n(0.0))


class Rates(Model):
    """The base interest rate for floating loans: mean-reverting, nominal annual.

    Attributes
    ----------
    base : starting and long-run base rate
    volatility : annual volatility of the base rate, in rate units (0.01 = 100bp)
    mean_reversion_per_year : share of the gap to ``base`` closed per year
    """

    base: Rate = Field(default_factory=lambda: _n(0.04))
    volatility: Volatility = Field(default_factory=lambda: _n(0.0))
    mean_reversion_per_year: Fraction = Field(default_factory=lambda: _n(0.2))


class Choice(Model):
    """The vendor-choice model (docs/model.md, "Vendor choice"). Without it every lab buys by
    its fixed ``procurement`` shares.

    Each quarter a lab splits its new capacity over the platforms it has ported to by a logit
    on the effective cost per unit of useful compute; it ports to a new platform when the
    present value of the expected savings over ``planning_horizon_years`` exceeds that
    vendor's porting cost.

    Attributes
    ----------
    price_sensitivity : logit scale on relative cost: shares go as
        ``exp(-price_sensitivity * (cost / cheapest cost - 1))`` (10: a platform 10% dearer
        gets e^-1 = 0.37 times the share)
    planning_horizon_years : years of purchases over which porting must pay for itself
    infrastructure_per_unit : $B per capacity unit of everything but the vendor's hardware
        (buildings, power, network). When given, a lab using the choice model pays the
        vendor's price plus this, so a cheaper vendor is cheaper to the lab; when omitted it
        pays the market's all-in cost whoever the vendor is. Grows like the all-in cost.
    financing_weight : share of equity money per unit that a vendor's financing attaches
        to buying from it (milestone equity) counted as a saving: the money buys shares, so
        only its access value counts. Warrants and tied money count in full.
    """

    price_sensitivity: Money = Field(default_factory=lambda: _n(10.0))
    planning_horizon_years: Positive = Field(default_factory=lambda: _n(3.0))
    infrastructure_per_unit: Money | None = None
    financing_weight: Fraction = Field(default_factory=lambda: _n(0.25))


class Market(Model):
    """The shared world every party lives in."""

    ai_demand: AiDemand
    hardware: Hardware
    rates: Rates = Field(default_factory=Rates)
    choice: Choice | None = None
    """The vendor-choice model; omitted: fixed procurement shares."""


