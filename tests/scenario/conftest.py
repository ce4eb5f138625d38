"""A small valid scenario that the loader tests break one field at a time.

Line numbers in the expected messages refer to this text, so keep it as it is: add lines
only at the end.
"""

from __future__ import annotations

import pytest

BASE = """\
name: test-base
description: A small scenario for the loader tests.
start: 2025Q4
horizon_quarters: 40
market:
  ai_demand:
    volatility: 0.25
    winter: {enter_per_year: 0.08, exit_per_year: 0.5}
  hardware:
    all_in_cost_per_unit: 50
    residual_value_by_age: [1.0, 0.65, 0.45, 0.3]
    fire_sale_haircut: 0.3
parties:
  - id: nvidia
    kind: vendor
    content_per_unit: {value: 35, source: "Bernstein, Oct 2025", basis: fact}
    gross_margin: 0.75
  - id: xai
    kind: lab
    revenue:
      run_rate: 0.5
      growth: {from: 3.0, to: 0.3, half_life_years: 2}
    compute: {installed: 0.3, per_revenue: 0.1, training: 0.7,
              training_growth: {from: 1.5, to: 0.2, half_life_years: 3}}
    cash: 4
    procurement: {nvidia: 1.0}
    funding:
      valuation_multiple: {p05: 15, p95: 60}
      success: {base: 1.0}
  - id: valor
    kind: investor
  - id: apollo
    kind: lender
    discount_rate: 0.09
deals:
  - id: term-loan
    kind: loan
    lender: apollo
    borrower: xai
    amount: 2
    rate: 0.11
    term_years: 5
  - id: colossus2-spv
    kind: spv_lease
    lessee: xai
    vendor: nvidia
    amount: 20
    equity: {nvidia: 2, valor: 5.5}
    debt: {lender: apollo, amount: 12.5, rate: 0.11, term_years: 5}
    lease: {term_years: 5, rate: 0.16}
  - id: series-d
    kind: equity
    investor: valor
    investee: xai
    amount: 6
    start: 2026Q2
"""


@pytest.fixture
def base_text() -> str:
    """The valid base scenario as YAML text."""
    return BASE
