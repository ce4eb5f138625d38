"""What `RunStore.save` stores of an experiment's record: a stress test's and a comparison's
two runs as the variants the CLI gives them, or a one-line refusal for a record that keeps no
run (docs/store.md, "From Python")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chipcredit.errors import UsageError

__all__ = ["experiment_variants"]


def experiment_variants(results: Any, kind: str, extra: Mapping[str, Any] | None
                        ) -> tuple[Any, str, Mapping[str, Any] | None]:
    """A paired experiment's record as the CLI stores it: a `StressResult` as the variants
    ``base`` and ``stressed`` (kind ``stress``, ``extra`` gains ``pack``), a `CompareResult` as
    ``a`` and ``b`` (kind ``compare``, ``extra`` gains its ``labels`` and any ``without``); a
    ``kind`` given other than ``run`` is kept. Anything else is returned as it is.

    Raises
    ------
    UsageError
        For a `SensitivityResult` or `SolveResult`: they keep no run, so the message says how
        to store the baseline run as ``chipcredit sensitivity``/``solve`` do.
    """
    # imported here: the experiments import the analytics this module is imported beside
    from chipcredit.experiments.compare import CompareResult
    from chipcredit.experiments.sensitivity import SensitivityResult
    from chipcredit.experiments.solution import SolveResult
    from chipcredit.experiments.stress import StressResult

    own = dict(extra or {})
    if isinstance(results, StressResult):
        return ({"base": results.base, "stressed": results.stressed},
                "stress" if kind == "run" else kind, {"pack": results.pack.name, **own})
    if isinstance(results, CompareResult):
        a, b = results.labels
        return ({"a": results.base, "b": results.other}, "compare" if kind == "run" else kind,
                {"a": a, "b": b, **({"without": list(results.without)} if results.without
                                    else {}), **own})
    if isinstance(results, SensitivityResult | SolveResult):
        what = "sensitivity" if isinstance(results, SensitivityResult) else "solve"
        raise UsageError(
            f"RunStore.save: a {type(results).__name__} keeps no run to store, only its "
            f"table; store its baseline run as `chipcredit {what}` does: "
            f"save({{'baseline': cc.simulate({results.scenario!r}, paths={results.paths}, "
            f"seed={results.seed})}}, kind={what!r}, extra={{'experiment': res.to_dict()}})")
    return results, kind, extra
