"""Phase 1, drivers: the common AI-demand factor, the winter regime, sentiment, the used-GPU
residual index and the base rate, for every path at once."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.market import Market
from chipcredit.scenario.number import whole_quarters
from chipcredit.scenario.residual_curve import CURVE
from chipcredit.units import (
    annual_probability_to_quarterly,
    annual_volatility_to_quarterly,
    effective_to_quarterly,
)

from .draws import ChunkDraws
from .params import ParamSampler, compact
from .shocks import ShockSchedule

__all__ = ["MarketState"]


class MarketState:
    """The market's state for a chunk of paths; arrays are shaped ``(n,)``.

    Attributes
    ----------
    z : common demand shock of the current quarter (standard normal)
    winter : whether the quarter is in the winter regime
    sentiment : EWMA of demand shocks less the winter penalty (unitless)
    residual : used-GPU value index (1 at the start), winter hit included
    base_rate : nominal annual base rate for floating loans
    all_in : all-in cost per capacity unit this quarter ($B)
    """

    def __init__(self, market: Market, p: ParamSampler, draws: ChunkDraws, n_quarters: int):
        d, hw, rates = market.ai_demand, market.hardware, market.rates
        n = draws.n
        self.sigma_q = annual_volatility_to_quarterly(p.array(d.volatility, "market.ai_demand.volatility"))
        self.enter_q = annual_probability_to_quarterly(
            p.array(d.winter.enter_per_year, "market.ai_demand.winter.enter_per_year"))
        self.exit_q = annual_probability_to_quarterly(
            p.array(d.winter.exit_per_year, "market.ai_demand.winter.exit_per_year"))
        hit = p.array(d.winter.growth_hit, "market.ai_demand.winter.growth_hit")
        self.winter_log_growth = np.log1p(hit) / 4.0
        self.weight = p.array(d.sentiment.weight, "market.ai_demand.sentiment.weight")
        self.penalty = p.array(d.sentiment.winter_penalty, "market.ai_demand.sentiment.winter_penalty")
        self.res_beta = p.array(hw.residual_beta, "market.hardware.residual_beta")
        self.res_sigma_q = annual_volatility_to_quarterly(
            p.array(hw.residual_volatility, "market.hardware.residual_volatility"))
        self.res_winter_hit = p.array(hw.winter_residual_hit, "market.hardware.winter_residual_hit")
        self.haircut = p.array(hw.fire_sale_haircut, "market.hardware.fire_sale_haircut")
        self.all_in0 = p.array(hw.all_in_cost_per_unit, "market.hardware.all_in_cost_per_unit")
        self.cost_growth_q = effective_to_quarterly(
            p.array(hw.cost_change_per_year, "market.hardware.cost_change_per_year"))
        self.power_q = p.array(hw.power_cost_per_unit_year, "market.hardware.power_cost_per_unit_year") / 4.0
        # fixed for the run: sentiment's decay, the residual index's demand loading and the
        # cost's growth factor (raised to the quarter once when the same on every path)
        self._keep = 1 - self.weight
        self._res_load = self.res_beta * self.sigma_q
        self._cost_growth = compact(1.0 + self.cost_growth_q)
        life_years = p.array(hw.useful_life_years, "market.hardware.useful_life_years")
        self.life_q = whole_quarters(life_years)  # half up, at least 1, as every term
        self.max_life = int(self.life_q.max())
        # residual share of cost by age in quarters, interpolated between whole years. The
        # curve is one uncertain shape: every point takes its quantile from the curve's one
        # uniform per path (comonotone), so a path whose GPUs lose value fast loses it fast
        # at every age, and a curve whose points' ranges fall with age (the loader checks
        # it, `scenario.residual_curve`) falls on every path; each point keeps its marginal
        curve = np.stack([p.array(v, CURVE) for v in hw.residual_value_by_age])
        # the curve is flat after its last whole year, so the table stops there (or at the
        # end of the longest useful life); `residual_share` reads older ages from its last row
        ages_years = np.arange(max(self.max_life, 4 * (curve.shape[0] - 1)) + 1) / 4.0
        idx = np.minimum(ages_years, curve.shape[0] - 1)
        lo = np.floor(idx).astype(int)
        hi = np.minimum(lo + 1, curve.shape[0] - 1)
        frac = (idx - lo)[:, None]
        self.residual_by_age_q = curve[lo] * (1 - frac) + curve[hi] * frac  # (ages, n)
        self.base = p.array(rates.base, "market.rates.base")
        self.rate_sigma_q = annual_volatility_to_quarterly(
            p.array(rates.volatility, "market.rates.volatility"))
        self.kappa_q = 1.0 - (1.0 - p.array(rates.mean_reversion_per_year,
                                             "market.rates.mean_reversion_per_year")) ** 0.25
        # draws: three normals and one uniform per path-quarter, taken up front for the chunk
        self._normals = draws.normal("market", 3 * n_quarters).reshape(n_quarters, 3, n)
        self._uniform = draws.uniform("winter", n_quarters)
        self.winter = np.zeros(n, dtype=bool) | d.winter.start_in_winter
        self.sentiment = np.zeros(n)
        self._log_residual = np.zeros(n)
        self.residual = np.ones(n)
        self.base_rate = self.base.copy()
        self.z = np.zeros(n)
        self.all_in = self.all_in0.copy()
        self.quarter = -1
        self.deterministic = draws.deterministic
        self.shocks: ShockSchedule | None = None
        self.rate_add: NDArray[np.float64] | float = 0.0
        """Stress add-on to the base rate this quarter (nominal annual)."""

    def step(self, q: int) -> None:
        """Advance the drivers into quarter ``q``."""
        self.quarter = q
        z, z_res, z_rate = self._normals[q]
        u = self._uniform[q]
        if not self.deterministic:  # the base case stays in its starting regime
            switch = np.where(self.winter, u < self.exit_q, u < self.enter_q)
            self.winter = self.winter ^ switch
        shocks = self.shocks
        if shocks is not None and shocks.winter[q]:  # a stressed winter holds in every path
            self.winter = np.ones_like(self.winter)
        self.z = z
        self.sentiment = self._keep * self.sentiment + self.weight * z - self.penalty * self.winter
        self._log_residual += self._res_load * z + self.res_sigma_q * z_res
        # the log index is kept within +-50 (e^50 = 5e21 times cost): the largest betas and
        # volatilities a scenario may state would otherwise overflow it to inf
        np.clip(self._log_residual, -50.0, 50.0, out=self._log_residual)
        self.residual = np.exp(self._log_residual) * (1.0 - self.res_winter_hit * self.winter)
        if shocks is not None:
            self.residual = self.residual * shocks.residual[q]
            self.rate_add = shocks.rate[q]
        self.base_rate = np.maximum(
            self.base_rate + self.kappa_q * (self.base - self.base_rate) + self.rate_sigma_q * z_rate, 0.0)
        self.all_in = self.all_in0 * self._cost_growth ** q

    def residual_share(self, age_q: NDArray[np.int64] | int) -> NDArray[np.float64]:
        """Used value as a share of cost at ``age_q`` quarters, index and winter included."""
        ages = np.minimum(np.asarray(age_q), self.residual_by_age_q.shape[0] - 1)
        if ages.ndim == 0:
            curve = self.residual_by_age_q[int(ages)]
        else:
            curve = np.take_along_axis(self.residual_by_age_q, ages[None, :], axis=0)[0]
        return np.asarray(curve * self.residual)

