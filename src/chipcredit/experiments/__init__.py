"""Runs of many simulations: sensitivity (tornado, Morris, Sobol, delta) and break-even
solving, executed in-process or on a local process pool.

Everything here is built on `chipcredit.simulate` and the analytics; nothing here is imported
by the core. SALib is imported only by the methods that need it (Morris, Sobol, delta).
"""

from .parameters import Parameter
from .runner import apply_numbers, run_variants
from .sensitivity import METHODS, SensitivityResult, sensitivity
from .solve import SolveResult, parse_target, solve

__all__ = [
    "METHODS",
    "Parameter",
    "SensitivityResult",
    "SolveResult",
    "apply_numbers",
    "parse_target",
    "run_variants",
    "sensitivity",
    "solve",
]
