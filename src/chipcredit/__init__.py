"""chipcredit: Monte Carlo models of AI-compute vendor financing.

Chip vendors invest in and lend to the labs that buy their chips; chipcredit simulates
labs, vendors and lenders quarter by quarter over many paths and reports what each party
earns or loses on each deal, how likely a default is, and where the money goes.

>>> import chipcredit as cc
>>> sc = cc.load_scenario("seed-2025")
>>> res = cc.simulate(sc, paths=2_000, seed=7)
>>> table = res.summary()

``chipcredit.__code_sha256__`` is the fingerprint of this code (`chipcredit.fingerprint`),
worked out on first use; a `Result` carries the one of the code that simulated it.
"""

# first: under `python -m chipcredit`, Ctrl-C during the imports below is one line, status 130
import chipcredit_launcher.module_start as _module_start  # noqa: F401
from chipcredit import distributed as _distributed  # noqa: F401  (lends simulate its Dask backend)
from chipcredit._version import __version__
from chipcredit.analytics.history_check import HistoryCheck, history_check
from chipcredit.analytics.result import Result
from chipcredit.analytics.simulate import MAX_PATHS, simulate
from chipcredit.analytics.valuation import IRR_BRACKET, annuity_payment, irr, moic, npv
from chipcredit.errors import (
    ChipcreditError,
    ChipcreditNote,
    ChipcreditWarning,
    ScenarioError,
    SimulationError,
    UsageError,
)
from chipcredit.experiments import SensitivityResult, SolveResult, sensitivity, solve
from chipcredit.experiments.compare import CompareResult, compare
from chipcredit.experiments.stress import (
    StressResult,
    pack_idle,
    pack_needs,
    pack_problems,
    stress,
)
from chipcredit.fingerprint import code_sha256 as _code_sha256
from chipcredit.registry import deal_registry
from chipcredit.registry.network import DealNetwork, deal_network
from chipcredit.report import summary_text, write_report
from chipcredit.scenario import (
    Scenario,
    bundled_names,
    describe_bundled,
    load_scenario,
    scenario_json_schema,
)
from chipcredit.scenario.loader import parse_scenario_text
from chipcredit.scenario.paths import parameter_paths, set_number
from chipcredit.scenario.shocks import StressPack, bundled_packs, load_pack

__all__ = [
    "IRR_BRACKET",
    "MAX_PATHS",
    "ChipcreditError",
    "ChipcreditNote",
    "ChipcreditWarning",
    "CompareResult",
    "DealNetwork",
    "HistoryCheck",
    "Result",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "SimulationError",
    "SolveResult",
    "StressPack",
    "StressResult",
    "UsageError",
    "__version__",
    "annuity_payment",
    "bundled_names",
    "bundled_packs",
    "compare",
    "deal_network",
    "deal_registry",
    "describe_bundled",
    "history_check",
    "irr",
    "load_pack",
    "load_scenario",
    "moic",
    "npv",
    "pack_idle",
    "pack_needs",
    "pack_problems",
    "parameter_paths",
    "parse_scenario_text",
    "scenario_json_schema",
    "sensitivity",
    "set_number",
    "simulate",
    "solve",
    "stress",
    "summary_text",
    "write_report",
]


def __getattr__(name: str) -> str:
    # lazily: hashing the package's files is only worth it where a run is stamped
    if name == "__code_sha256__":
        return _code_sha256()
    raise AttributeError(f"module 'chipcredit' has no attribute {name!r}")
