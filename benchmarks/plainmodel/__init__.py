"""A plain-Python model of the seed-2025 world, path by path, as an analyst would write it.

It is the independent correctness oracle of the engine (issue 6, part 5): it reads the
validated `Scenario` for its parameters and the engine's random numbers for its shocks
(`chipcredit.engine.draws.ChunkDraws`), and steps one `World` per path through the nine
phases of a quarter with Python floats. Nothing of the engine's model logic is imported.

Modules (nouns): `numbers` (uncertain numbers and draws), `dust` (what counts as zero),
`books` (ledger and money provenance), `claim`, `fleet`, `market`, `vendors`, `fundraiser`,
`labs`, `clouds`, `choice`, `deals`, `spv` (the SPV lease and its covenants), `stakes`,
`series` (the recorded quarterly variables), `world`, `valuation` (NPV and IRR), `outcomes`
(per-path columns) and `oracle` (the entry point, `run_oracle`).

What the engine shares across a chunk's paths is shared here too
(`oracle.chunk_constants`): the longest useful life (the fleets' length) and the one-year survival behind the
horizon marks, measured per stream block. (A span in years becomes whole quarters on each
path, half up: `ChunkNumbers.quarters`.) So the oracle runs a whole chunk, like the
engine, and compares with `Sim` on the same `ChunkDraws`.

    import chipcredit as cc
    from plainmodel import run_oracle
    outcomes = run_oracle(cc.load_scenario("seed-2025"), seed=2025, n_paths=200)
"""

from .oracle import run_oracle

__all__ = ["run_oracle"]
