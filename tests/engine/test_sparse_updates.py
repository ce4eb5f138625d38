"""The engine's shortcuts for transfers that touch few paths give the same numbers, to the
bit, as touching every path (a transfer that moves nothing on a path adds zero there)."""

from __future__ import annotations

import numpy as np
import pytest

from chipcredit.engine import ledger as ledger_module
from chipcredit.engine.claims import Claim
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.ledger import AccountClass, Ledger

N_ACCOUNTS = 6


def _ledger(n: int) -> Ledger:
    draws = ChunkDraws(0, n, 0, -(-n // 4096), False)
    return Ledger([f"a{i}" for i in range(N_ACCOUNTS)], [AccountClass.FUNDED] * N_ACCOUNTS,
                  draws, 4, ["d0"], [[1, 2]], trace_path=n // 2)


def _amount(rng: np.random.Generator, n: int) -> np.ndarray:
    share = rng.choice([0.0, 0.001, 0.05, 0.3, 1.0])
    return np.where(rng.random(n) < share, rng.uniform(0, 5, n), 0.0)


def _state(led: Ledger, claims: list[Claim]) -> list[np.ndarray]:
    out = [led.balance.copy(), *[f.copy() for f in led.cashflows]]
    out += [v for k in sorted(led.flow_sums, key=str) for v in (led.flow_sums[k],
                                                                  led.flow_sumsq[k])]
    out.append(np.array([led.checks.sum_to_zero, led.checks.reconcile]))
    for c in claims:
        out += [c.paid, c.pv_paid, c.arrears, c.promised, c.pv_promised, c.written_off,
                c.principal, c.ead, c.default_quarter]
    return out


def _run(seed: int, n: int) -> tuple[list[np.ndarray], list[tuple[object, ...]]]:
    rng = np.random.default_rng(seed)
    led = _ledger(n)
    claims = [Claim(f"c{i}", 1 + i, 3 + i, 0 if i == 0 else None, n, 0.02 * (i + 1), stage=i)
              for i in range(2)]
    defaulted = np.zeros((N_ACCOUNTS, n), dtype=bool)
    for q in range(4):
        for _ in range(12):
            src, dst = (int(x) for x in rng.integers(0, N_ACCOUNTS, 2))
            led.pay(q, src, dst, f"k{rng.integers(0, 5)}", _amount(rng, n),
                    0 if rng.random() < 0.5 else None, begin=bool(rng.random() < 0.2))
        for c in claims:
            c.principal = c.principal + _amount(rng, n)
            c.schedule(_amount(rng, n), q + 1)
            c.settle(led, q, _amount(rng, n))
            mask = rng.random(n) < rng.choice([0.0, 0.01, 0.2])
            paths = np.flatnonzero(mask)
            if rng.random() < 0.5:
                c.accelerate_at(paths, q + 1)
                c.recover_at(led, q, paths, np.minimum(c.balance()[paths], 1.0), "rec")
                c.write_off_at(paths)
            else:
                c.accelerate(mask, q + 1)
                c.recover(led, q, np.where(mask, np.minimum(c.balance(), 1.0), 0.0), "rec")
                c.write_off(mask)
        led.close_quarter(q, defaulted)
    trace = [tuple(vars(line).values()) for line in led.trace]
    return _state(led, claims), trace


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 300, 5000])
def test_sparse_updates_match_dense(seed: int, n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    sparse = _run(seed, n)
    # every transfer on every path, and the `_at` methods through their dense twins
    monkeypatch.setattr(ledger_module, "sparse_paths", lambda values: None)
    monkeypatch.setattr("chipcredit.engine.claims.sparse_paths", lambda values: None)

    def dense_pay_at(self: Ledger, q: int, source: int, target: int, kind: str,
                     paths: np.ndarray, values: np.ndarray, deal: int | None = None,
                     **kw: bool) -> None:
        amount = np.zeros(self.n)
        amount[paths] = values
        self.pay(q, source, target, kind, amount, deal, **kw)

    def dense_accelerate_at(self: Claim, paths: np.ndarray, time: int) -> None:
        mask = np.zeros(self.n, dtype=bool)
        mask[paths] = True
        self.accelerate(mask, time)

    def dense_write_off_at(self: Claim, paths: np.ndarray) -> None:
        mask = np.zeros(self.n, dtype=bool)
        mask[paths] = True
        self.write_off(mask)

    def dense_recover_at(self: Claim, led: Ledger, q: int, paths: np.ndarray,
                         amount: np.ndarray, kind: str, source: int | None = None) -> None:
        full = np.zeros(self.n)
        full[paths] = amount
        self.recover(led, q, full, kind, source)

    monkeypatch.setattr(Ledger, "pay_at", dense_pay_at)
    monkeypatch.setattr(Claim, "accelerate_at", dense_accelerate_at)
    monkeypatch.setattr(Claim, "write_off_at", dense_write_off_at)
    monkeypatch.setattr(Claim, "recover_at", dense_recover_at)
    dense = _run(seed, n)
    assert sparse[1] == dense[1]
    assert len(sparse[0]) == len(dense[0])
    for a, b in zip(sparse[0], dense[0], strict=True):
        assert np.array_equal(a, b, equal_nan=True)
