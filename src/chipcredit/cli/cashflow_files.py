"""The cash-flow files of ``chipcredit run --cashflows``: one CSV per deal, for one path, and
one debt schedule per deal with debt."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import chipcredit as cc
from chipcredit.files import file_mode

__all__ = ["write_cashflows"]


def write_cashflows(result: cc.Result, folder: Path, deals: list[str], path_k: int,
                    step: Callable[[int], None] | None) -> None:
    """Write path ``path_k``'s cash-flow schedule of every deal as ``folder/DEAL.csv``, and
    the debt schedule (`Result.debt_schedule`) of each deal with debt as ``DEAL.debt.csv``.

    ``folder`` is a staged folder (see `Staging.folder`): the files move into the folder
    of ``--cashflows`` only when every output of the run is written.
    """
    mode = file_mode()
    schedules, debts = result.schedules_and_debt(path=path_k)  # one re-simulation
    for i, deal in enumerate(deals, start=1):
        target = folder / f"{deal}.csv"
        schedules[deal].to_csv(target, index=False, lineterminator="\n")
        os.chmod(target, mode)
        if deal in debts:
            target = folder / f"{deal}.debt.csv"
            debts[deal].to_csv(target, index=False, lineterminator="\n")
            os.chmod(target, mode)
        if step is not None:
            step(i)
