"""On which paths a deal closed, from its per-path outcomes.

A deal that may not close (``close_probability`` below 1), or that cannot open (its lessee
defaulted before its start, its start lies past the horizon), has no position on some
paths. A deal closed on a path when some party of it paid or received money in it there
(``cash_in`` or ``cash_out`` above 0): the rule of the ``closed on ...`` notes of ``chipcredit
run`` and the HTML report (`chipcredit.report.multiples.closed_shares`), and of the credit
figures of an SPV (the JSON ``spvs``, docs/output.md), which are over the paths on which it
closed: a lender's risk is that of a claim it holds, not of one it never made.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["closed_paths"]


def closed_paths(deal: str, outcomes: Mapping[str, ArrayLike]) -> NDArray[np.bool_] | None:
    """Paths on which ``deal`` closed: some party of it has ``cash_in`` or ``cash_out``
    above 0 there.

    Parameters
    ----------
    deal : the deal's id
    outcomes : per-path outcomes keyed as `Result.outcomes` (``deal|DEAL|PARTY|cash_in``)

    Returns
    -------
    ndarray of bool, shape (paths,), or None where the outcomes have no flows of the deal
    """
    moved: NDArray[np.bool_] | None = None
    for key, values in outcomes.items():
        parts = key.split("|")
        if (len(parts) == 4 and parts[0] == "deal" and parts[1] == deal
                and parts[3] in ("cash_in", "cash_out")):
            flows = np.nan_to_num(np.asarray(values, dtype=np.float64)) > 0
            moved = flows if moved is None else moved | flows
    return moved
