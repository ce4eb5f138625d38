"""Phase 1 on one path: the AI-demand factor, the winter regime, sentiment, the used-GPU
index and the all-in cost per capacity unit."""

from __future__ import annotations

import math
from typing import Any

from .numbers import PathNumbers

__all__ = ["Market"]


def quarterly_probability(p: float) -> float:
    return 1.0 - (1.0 - p) ** 0.25


class Market:
    """The market of one path.

    Parameters
    ----------
    spec : the scenario's ``market``
    p : this path's numbers
    horizon : quarters
    max_life : the chunk's longest useful life in quarters (the fleets' length)
    """

    def __init__(self, spec: Any, p: PathNumbers, horizon: int, max_life: int) -> None:
        d, hw = spec.ai_demand, spec.hardware
        k = "market.ai_demand"
        self.sigma_q = p(d.volatility, k + ".volatility") * 0.5
        self.enter_q = quarterly_probability(p(d.winter.enter_per_year, k + ".winter.enter_per_year"))
        self.exit_q = quarterly_probability(p(d.winter.exit_per_year, k + ".winter.exit_per_year"))
        self.winter_log_growth = math.log1p(p(d.winter.growth_hit, k + ".winter.growth_hit")) / 4.0
        self.weight = p(d.sentiment.weight, k + ".sentiment.weight")
        self.penalty = p(d.sentiment.winter_penalty, k + ".sentiment.winter_penalty")
        h = "market.hardware"
        self.res_beta = p(hw.residual_beta, h + ".residual_beta")
        self.res_sigma_q = p(hw.residual_volatility, h + ".residual_volatility") * 0.5
        self.res_winter_hit = p(hw.winter_residual_hit, h + ".winter_residual_hit")
        self.haircut = p(hw.fire_sale_haircut, h + ".fire_sale_haircut")
        self.all_in0 = p(hw.all_in_cost_per_unit, h + ".all_in_cost_per_unit")
        self.cost_growth_q = (1.0 + p(hw.cost_change_per_year, h + ".cost_change_per_year")) ** 0.25 - 1.0
        self.power_q = p(hw.power_cost_per_unit_year, h + ".power_cost_per_unit_year") / 4.0
        # half up, at least 1
        self.life_q = max(math.floor(p(hw.useful_life_years, h + ".useful_life_years") * 4.0 + 0.5), 1)
        self.max_life = max_life
        # one uniform for the whole curve (the curve's own key): every point is its quantile
        # function at that draw, so the points move together along the path
        points = [p(v, h + ".residual_value_by_age") for v in hw.residual_value_by_age]
        last = len(points) - 1
        self.curve = []  # residual share of cost by age in quarters, between whole years
        for age in range(max(max_life, 4 * last) + 1):
            at = min(age / 4.0, last)
            lo = math.floor(at)
            hi = min(lo + 1, last)
            frac = at - lo
            self.curve.append(points[lo] * (1 - frac) + points[hi] * frac)
        self.z_all = p.normals("market", 3 * horizon)
        self.u_winter = p.uniforms("winter", horizon)
        self.deterministic = p.deterministic
        self.winter = bool(d.winter.start_in_winter)
        self.sentiment = 0.0
        self.log_residual = 0.0
        self.residual = 1.0
        self.z = 0.0
        self.all_in = self.all_in0

    def step(self, q: int) -> None:
        """Advance the drivers into quarter ``q``."""
        z, z_res = self.z_all[3 * q], self.z_all[3 * q + 1]
        if not self.deterministic:
            u = self.u_winter[q]
            if (u < self.exit_q) if self.winter else (u < self.enter_q):
                self.winter = not self.winter
        self.z = z
        self.sentiment = ((1 - self.weight) * self.sentiment + self.weight * z
                          - self.penalty * self.winter)
        self.log_residual += self.res_beta * self.sigma_q * z + self.res_sigma_q * z_res
        self.log_residual = min(max(self.log_residual, -50.0), 50.0)
        self.residual = math.exp(self.log_residual) * (1.0 - self.res_winter_hit * self.winter)
        self.all_in = self.all_in0 * (1.0 + self.cost_growth_q) ** q

    def residual_share(self, age: int) -> float:
        """Used value as a share of cost at ``age`` quarters, index and winter included."""
        return self.curve[min(age, len(self.curve) - 1)] * self.residual
