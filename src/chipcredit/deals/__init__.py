"""Deal kinds: one module each, implementing the phase hooks of `base.DealRuntime`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import DealRuntime
from .capacity_backstop import CapacityBackstopDeal
from .credit_facility import CreditFacilityDeal
from .deployment_warrant import DeploymentWarrantDeal
from .equity import EquityDeal
from .loan import LoanDeal
from .loan_guarantee import LoanGuaranteeDeal
from .milestone_equity import MilestoneEquityDeal
from .purchase_commitment import PurchaseCommitmentDeal
from .spv_lease import SpvLeaseDeal
from .vendor_credit import VendorCreditDeal

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim

__all__ = ["DEAL_KINDS", "DealRuntime", "build_deal"]

DEAL_KINDS: dict[str, type[DealRuntime]] = {
    "loan": LoanDeal,
    "equity": EquityDeal,
    "milestone_equity": MilestoneEquityDeal,
    "spv_lease": SpvLeaseDeal,
    "vendor_credit": VendorCreditDeal,
    "purchase_commitment": PurchaseCommitmentDeal,
    "credit_facility": CreditFacilityDeal,
    "loan_guarantee": LoanGuaranteeDeal,
    "capacity_backstop": CapacityBackstopDeal,
    "deployment_warrant": DeploymentWarrantDeal,
}


def build_deal(spec: Any, index: int, sim: Sim) -> DealRuntime:
    """The runtime of one deal for one chunk."""
    return DEAL_KINDS[spec.kind](spec, index, sim)
