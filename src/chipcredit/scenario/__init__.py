"""Scenario input: frozen pydantic models, YAML loading with file:line errors, the registry."""

from .base import BUILTIN_IDS, GrowthPath
from .clouds import Cloud
from .deals import (
    CapacityBackstop,
    Deal,
    Equity,
    Loan,
    MilestoneEquity,
    PurchaseCommitment,
    SpvLease,
    VendorCredit,
)
from .loader import load_scenario, scenario_json_schema
from .market import Market
from .model import Scenario, cross_check
from .number import Number
from .parties import Buyer, Investor, Lab, Lender, Party, Vendor
from .registry import bundled_names, describe_bundled

__all__ = [
    "BUILTIN_IDS",
    "Buyer",
    "CapacityBackstop",
    "Cloud",
    "Deal",
    "Equity",
    "GrowthPath",
    "Investor",
    "Lab",
    "Lender",
    "Loan",
    "Market",
    "MilestoneEquity",
    "Number",
    "Party",
    "PurchaseCommitment",
    "Scenario",
    "SpvLease",
    "Vendor",
    "VendorCredit",
    "bundled_names",
    "cross_check",
    "describe_bundled",
    "load_scenario",
    "scenario_json_schema",
]
