"""numpy's elementwise rules for one float, for the compiled loops of the engine.

``np.minimum`` and ``np.maximum`` return NaN if either operand is NaN and the second operand
on a tie (so ``np.minimum(0.0, -0.0)`` is -0.0); `chipcredit.engine.dust.snap` sets a value
below the dust threshold to 0.0. A kernel built from these and ``+ - * /`` gives the bits of
the numpy passes it replaces.

numba's on-disk cache of a kernel that calls these is keyed on its own source file only:
after editing this file, delete the cached ``*.nbi``/``*.nbc`` files of the kernels that
use it (``choice_kernel``, ``cloud_kernel``, ``funding_kernel``, ``lab_kernel``) or they keep
the old code. A release rewrites every file, so an installed package is not affected.
"""

from __future__ import annotations

from chipcredit.jit import kernel

__all__ = ["maximum", "minimum", "snap1"]


@kernel
def minimum(a: float, b: float) -> float:
    """``np.minimum`` of two floats: NaN if either is NaN, ``b`` on a tie."""
    if a != a:
        return a
    return a if a < b else b


@kernel
def maximum(a: float, b: float) -> float:
    """``np.maximum`` of two floats: NaN if either is NaN, ``b`` on a tie."""
    if a != a:
        return a
    return a if a > b else b


@kernel
def snap1(x: float, dust: float) -> float:
    """`chipcredit.engine.dust.snap` of one float: 0.0 where ``|x| < dust``."""
    return 0.0 if abs(x) < dust else x
