"""Read-only records: a frozen `Checks`, read-only mappings of read-only arrays, and the
pickled form of an outcome stored once.

A `Result` holds the engine's own arrays. Freezing them sets ``flags.writeable`` to False
and wraps each mapping in a `types.MappingProxyType`, in place (no copies, so memory stays
flat). A mapping proxy does not pickle, so `Result` pickles plain dicts and freezes them
again when it is loaded; an outcome that is one value on every path (a broadcast view)
travels as that one value (`Constant`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.ledger import Checks

__all__ = ["Constant", "FrozenChecks", "freeze", "is_constant"]


class FrozenChecks(Checks):
    """`Checks` that refuses changes: a `Result`'s (``by_quarter`` is a tuple)."""

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}: a Result is read-only")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}: a Result is read-only")

    @classmethod
    def of(cls, checks: Checks) -> FrozenChecks:
        """A frozen copy of ``checks`` (itself when already frozen)."""
        if isinstance(checks, cls):
            return checks
        out = object.__new__(cls)
        for f in dataclasses.fields(Checks):
            value = getattr(checks, f.name)
            object.__setattr__(out, f.name, tuple(value) if f.name == "by_quarter" else value)
        return out


@dataclass(frozen=True)
class Constant:
    """A pickled outcome that is one value on every path (a broadcast view in memory)."""

    value: NDArray[np.floating[Any]]
    paths: int


_V = TypeVar("_V")


def freeze(mapping: Mapping[Any, _V]) -> Mapping[Any, _V]:
    """A read-only view of ``mapping`` whose arrays are read-only, in place (no copies)."""
    for value in mapping.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return MappingProxyType(dict(mapping))


def is_constant(values: object) -> bool:
    """Whether ``values`` is a one-value broadcast view (a column stored once)."""
    return isinstance(values, np.ndarray) and values.ndim == 1 and values.size > 1 \
        and values.strides == (0,)
