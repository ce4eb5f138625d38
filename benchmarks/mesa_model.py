"""The seed-2025 world written in Mesa 3: one `mesa.Model` per path, an agent for every
vendor, buyer, lab, cloud, deal (the Colossus-2 SPV among them), investor and lender, stepped
quarter by quarter through the nine phases with `AgentSet.do`.

The agents hold the plain-Python oracle's party objects (`plainmodel`) by composition, so
each party's logic is written once; what Mesa adds is the agent registry, the agent sets by
type, the scheduling of the phases through them, and a `DataCollector` that records the
quarterly variables the engine records (phase 9). The cross-party reductions of a phase
(the clouds' idle share, the vendors' total sales and units) are the model's. The shocks
are the engine's own random numbers (`ChunkDraws`), so the outcomes can be compared with
the engine's path by path (tests/test_oracle.py); Mesa's own random generator is not used.

    import chipcredit as cc
    from mesa_model import run_mesa
    outcomes = run_mesa(cc.load_scenario("seed-2025"), seed=2025, paths=200)
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from plainmodel.clouds import Cloud
from plainmodel.deals import Deal
from plainmodel.labs import Lab
from plainmodel.numbers import ChunkNumbers
from plainmodel.oracle import chunk_constants, columns
from plainmodel.series import buyer_values, cloud_values, lab_values, vendor_values
from plainmodel.vendors import Buyer, Vendor
from plainmodel.world import World

__all__ = ["ChipcreditModel", "run_mesa", "run_models"]

LAB_VARIABLES = ("revenue", "cash", "capacity", "valuation", "arrears", "spending_cut",
                 "spending_deferred")  # seed-2025's labs both have a spending rule
VENDOR_VARIABLES = ("sales", "gross_profit", "share", "self_funded_share", "units", "market_share",
                    "operating_profit", "equity_value", "share_price", "shares_outstanding",
                    "stakes_value")
CLOUD_VARIABLES = ("revenue", "cash", "capacity", "unsold", "spot_price")


class Recorded(mesa.Agent):
    """An agent that shows this quarter's recorded variables as attributes (phase 9), for
    the model's `DataCollector`."""

    party_id: str

    def values(self) -> dict[str, float]:
        return {}

    def observe(self) -> None:
        for variable, value in self.values().items():
            setattr(self, variable, value)


class VendorAgent(Recorded):
    """A chipmaker: sets its price each quarter and closes its books (phase 8)."""

    def __init__(self, model: ChipcreditModel, vendor: Vendor, origin: int) -> None:
        super().__init__(model)
        self.vendor = vendor
        self.party_id = vendor.id
        self.origin = origin

    def values(self) -> dict[str, float]:
        return vendor_values(self.model.world, self.vendor, self.origin)

    def set_quarter(self) -> None:
        self.vendor.set_quarter(self.model.world, self.model.quarter)

    def close(self, total_sales: float, total_units: float) -> None:
        v = self.vendor
        v.market_share = v.units / total_units if total_units > 0 else 0.0
        v.units_window = [*v.units_window[1:], v.units]

    def close_books(self, total_sales: float) -> None:
        self.vendor.close_quarter(self.model.world, self.model.quarter, total_sales)


class BuyerAgent(Recorded):
    """The hyperscalers: buy growth plus replacement each quarter (phase 3)."""

    def __init__(self, model: ChipcreditModel, buyer: Buyer) -> None:
        super().__init__(model)
        self.buyer = buyer
        self.party_id = buyer.id

    def values(self) -> dict[str, float]:
        return buyer_values(self.buyer)

    def step(self) -> None:
        self.buyer.step(self.model.world, self.model.quarter)


class LabAgent(Recorded):
    """An AI lab through phases 2 to 7."""

    def __init__(self, model: ChipcreditModel, lab: Lab) -> None:
        super().__init__(model)
        self.lab = lab
        self.party_id = lab.id

    def values(self) -> dict[str, float]:
        return lab_values(self.model.world, self.lab)

    def operations(self) -> None:
        self.lab.operations(self.model.world, self.model.quarter)

    def compute(self) -> None:
        self.lab.compute(self.model.world, self.model.quarter)

    def lease(self) -> None:
        """Capacity the SPVs lease to the lab this quarter."""
        self.lab.leased = sum(agent.deal.leased_to(self.lab.id)
                              for agent in self.model.agents_by_type[DealAgent])

    def procure(self) -> None:
        q = self.model.quarter
        committed = [c for agent in self.model.agents_by_type[DealAgent]
                     for c in agent.deal.committed(self.lab.id, q)]
        self.lab.procure(self.model.world, q, committed)

    def service(self) -> None:
        """Phase 5: the claims on the lab in stage order."""
        for claim in self.lab.claims:
            claim.settle(self.model.world.books, self.model.quarter)

    def funding(self) -> None:
        self.lab.funding(self.model.world, self.model.quarter)

    def default(self) -> None:
        self.lab.settle_default(self.model.world, self.model.quarter)


class CloudAgent(Recorded):
    """A cloud: builds and rents out capacity, services its debt, raises rounds, defaults."""

    def __init__(self, model: ChipcreditModel, cloud: Cloud) -> None:
        super().__init__(model)
        self.cloud = cloud
        self.party_id = cloud.id

    def values(self) -> dict[str, float]:
        return cloud_values(self.model.world, self.cloud)

    def begin(self, idle_share: float) -> None:
        self.cloud.begin(self.model.world, self.model.quarter, idle_share)

    def close_procurement(self) -> None:
        self.cloud.close_procurement()

    def service(self) -> None:
        self.cloud.service(self.model.world, self.model.quarter)

    def funding(self) -> None:
        self.cloud.funding(self.model.world, self.model.quarter)

    def default(self) -> None:
        self.cloud.settle_default(self.model.world, self.model.quarter)


class DealAgent(Recorded):
    """A deal (the SPV, a loan, a vendor credit, a warrant, ...) and its phase hooks; its
    recorded variables differ by kind, so they are kept as one dict, ``recorded``."""

    def __init__(self, model: ChipcreditModel, deal: Deal) -> None:
        super().__init__(model)
        self.deal = deal
        self.party_id = deal.id
        self.recorded: dict[str, float] = {}

    def observe(self) -> None:
        self.recorded = self.deal.record(self.model.world, self.model.quarter)

    def hook(self, name: str) -> None:
        getattr(self.deal, name)(self.model.world, self.model.quarter)


class HolderAgent(Recorded):
    """An investor or a lender: it holds claims and stakes and acts through the deals."""

    def __init__(self, model: ChipcreditModel, party_id: str) -> None:
        super().__init__(model)
        self.party_id = party_id

    @property
    def cash(self) -> float:
        return self.model.world.books.balance[self.party_id]


class ChipcreditModel(mesa.Model):
    """One path of seed-2025.

    Parameters
    ----------
    scenario : the validated scenario
    chunk : every path's numbers and the engine's shocks
    path : this path's index in the chunk
    max_life, any_penalty : the chunk's constants (see `plainmodel.oracle.chunk_constants`)
    """

    def __init__(self, scenario: Any, chunk: ChunkNumbers, path: int, max_life: int,
                 any_penalty: bool) -> None:
        super().__init__(seed=path)  # Mesa's generator is unused: the shocks are the engine's
        self.world = World(scenario, chunk, path, max_life, any_penalty)
        self.quarter = -1
        w = self.world
        for origin, vendor in enumerate(w.vendors.values()):
            VendorAgent(self, vendor, origin)
        for buyer in w.buyers:
            BuyerAgent(self, buyer)
        for lab in w.labs:
            LabAgent(self, lab)
        for cloud in w.clouds:
            CloudAgent(self, cloud)
        for deal in w.deals:
            DealAgent(self, deal)
        for spec in scenario.parties:
            if spec.kind in ("investor", "lender"):
                HolderAgent(self, spec.id)
        ids = {"party": "party_id"}
        self.datacollector = mesa.DataCollector(agenttype_reporters={
            LabAgent: ids | {v: v for v in LAB_VARIABLES},
            VendorAgent: ids | {v: v for v in VENDOR_VARIABLES},
            BuyerAgent: ids | {"capacity": "capacity"},
            CloudAgent: ids | {v: v for v in CLOUD_VARIABLES},
            DealAgent: ids | {"recorded": "recorded"},
        })

    def series(self) -> dict[tuple[str, str], list[float]]:
        """The collected quarterly variables, ``{(party, variable): [quarter]}``, as the
        engine's `Sim.series` keys them."""
        out: dict[tuple[str, str], list[float]] = {}
        for kind in (LabAgent, VendorAgent, BuyerAgent, CloudAgent, DealAgent):
            frame = self.datacollector.get_agenttype_vars_dataframe(kind)
            for _, row in frame.iterrows():  # step by step, agents in creation order
                values = row["recorded"] if kind is DealAgent else row.drop("party").to_dict()
                for variable, value in values.items():
                    out.setdefault((row["party"], variable), []).append(float(value))
        out.update(self.world.series)  # what the world keeps itself: purchases by vendor
        return out

    def step(self) -> None:
        """One quarter: the nine phases, each through an agent set."""
        q = self.world.quarter = self.quarter = self.steps - 1  # Mesa counts steps from 1
        w = self.world
        vendors, buyers = self.agents_by_type[VendorAgent], self.agents_by_type[BuyerAgent]
        labs, clouds = self.agents_by_type[LabAgent], self.agents_by_type[CloudAgent]
        deals = self.agents_by_type[DealAgent]
        w.market.step(q)                                           # 1 drivers
        w.books.start_quarter()
        vendors.do("set_quarter")
        if w.choice is not None:
            w.choice.set_quarter(w, q)
        labs.do("operations")                                      # 2 operations
        labs.do("compute")                                         # 3 compute
        buyers.do("step")
        deals.do("hook", "start")                                  # 4 procurement
        labs.do("lease")
        deals.do("hook", "schedule")
        for lab in labs:
            lab.lab.rented = 0.0
        installed = sum(a.cloud.fleet.installed() for a in clouds)
        unsold = sum(a.cloud.unsold - a.cloud.backstopped for a in clouds)
        clouds.do("begin", max(unsold, 0.0) / installed if installed > 0 else 0.0)
        labs.do("procure")
        clouds.do("close_procurement")
        deals.do("hook", "after_procurement")
        labs.do("service")                                         # 5 servicing
        deals.do("hook", "after_servicing")
        clouds.do("service")
        labs.do("funding")                                         # 6 funding
        clouds.do("funding")
        deals.do("hook", "service_spv")
        labs.do("default")                                         # 7 default
        clouds.do("default")
        deals.do("hook", "after_defaults")
        total_sales = sum(a.vendor.sales for a in vendors)         # 8 vendors
        vendors.do("close", total_sales, sum(a.vendor.units for a in vendors))
        vendors.do("close_books", total_sales)
        self.agents.do("observe")                                  # 9 record
        self.datacollector.collect(self)
        w.record_purchases()  # a lab's purchases by vendor: the world's own tally
        w.books.close_quarter()


def run_models(scenario: Any, seed: int, paths: int,
               deterministic: bool = False) -> tuple[list[ChipcreditModel], list[int]]:
    """One Mesa model per path, each run to the horizon; and the stream blocks' sizes."""
    from chipcredit.engine.draws import ChunkDraws
    from chipcredit.engine.streams import STREAM_BLOCK

    draws = ChunkDraws(seed, paths, 0, -(-paths // STREAM_BLOCK), deterministic)
    chunk = ChunkNumbers(draws)
    max_life, any_penalty = chunk_constants(scenario, chunk)
    models = []
    for path in range(draws.n):
        model = ChipcreditModel(scenario, chunk, path, max_life, any_penalty)
        for _ in range(scenario.horizon_quarters):
            model.step()
        models.append(model)
    return models, list(draws.sizes)


def run_mesa(scenario: Any, seed: int, paths: int,
             deterministic: bool = False) -> dict[str, np.ndarray]:
    """Per-path outcomes from one Mesa model per path, ``{column: (paths,)}``."""
    models, sizes = run_models(scenario, seed, paths, deterministic)
    return columns([m.world for m in models], sizes)
