# ruff: noqa: E501  (a table of one-line text edits reads best unwrapped)
"""Writes the broken scenario files of this folder from one valid base, one break each.

Run ``python tests/bad_inputs/make_corpus.py`` to rewrite the ``.yaml`` files (the
``.expected`` files are written by ``REGENERATE=1 pytest tests/test_bad_inputs.py``, then
read and reviewed, as each is the exact message a user sees). Files that are not a text
edit of the base (binary junk, other encodings, regressions found by fuzzing) are written
here too, from their bytes. Files named ``fuzz-*.yaml`` are never rewritten.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

BASE = """\
name: bad-input-base
description: A small valid scenario that each file of tests/bad_inputs breaks once.
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
      volatility: {dist: uniform, low: 0.3, high: 0.6}
    compute: {installed: 0.3, per_revenue: 0.1, training: 0.7,
              training_growth: {from: 1.5, to: 0.2, half_life_years: 3}}
    cash: 4
    procurement: {nvidia: 1.0}
    funding:
      valuation_multiple: {p05: 15, p95: 60}
      success: {base: 1.0}
    equity:
      holders: {valor: 0.1}
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
  - id: chips-on-credit
    kind: vendor_credit
    vendor: nvidia
    borrower: xai
    amount: 5
    rate: 0.08
    term_years: 4
    repayment:
      - {kind: revenue_share, share: 0.1}
      - {kind: cash}
  - id: take-or-pay
    kind: purchase_commitment
    lab: xai
    vendor: nvidia
    schedule:
      - {quarter: 2026Q3, capacity: 0.1}
      - {quarter: 2026Q4, capacity: 0.2}
    shortfall_fee: 0.2
correlations:
  - {a: parties.xai.revenue.volatility, b: parties.xai.funding.valuation_multiple, rho: 0.5}
"""

# name: (text in BASE, its replacement); each name is the file's stem.
EDITS: dict[str, tuple[str, str]] = {
    # --- syntax ----------------------------------------------------------------------
    "syntax-tab-indent": ("    gross_margin: 0.75", "\tgross_margin: 0.75"),
    "syntax-tab-after-dash": ("  - id: valor", "  -\tid: valor\n\tkind: investor"),
    "syntax-unclosed-double-quote": ('source: "Bernstein, Oct 2025"', 'source: "Bernstein, Oct 2025'),
    "syntax-unclosed-single-quote": ("description: A small", "description: 'A small"),
    "syntax-unclosed-flow-list": ("[1.0, 0.65, 0.45, 0.3]", "[1.0, 0.65, 0.45, 0.3"),
    "syntax-unclosed-flow-map": ("procurement: {nvidia: 1.0}", "procurement: {nvidia: 1.0"),
    "syntax-bad-indent": ("start: 2025Q4", "start: 2025Q4\n  horizon: 40"),
    "syntax-key-without-colon": ("    cash: 4\n", "    cash 4\n    more\n"),
    "syntax-duplicate-key-top": ("horizon_quarters: 40", "horizon_quarters: 40\nhorizon_quarters: 8"),
    "syntax-duplicate-key-nested": ("    gross_margin: 0.75", "    gross_margin: 0.75\n    gross_margin: 0.7"),
    "syntax-duplicate-key-flow": ("procurement: {nvidia: 1.0}", "procurement: {nvidia: 0.5, nvidia: 0.5}"),
    "syntax-two-documents": ("name: bad-input-base", "name: bad-input-base\n---\nname: again"),
    "syntax-python-object-tag": ("name: bad-input-base", "name: !!python/object/apply:os.system ['echo hi']"),
    "syntax-python-name-tag": ("    cash: 4", "    cash: !!python/name:os.getcwd ''"),
    "syntax-custom-tag": ("    cash: 4", "    cash: !secret four"),
    "syntax-undefined-alias": ("    cash: 4", "    cash: *funds"),
    "syntax-recursive-alias": ("      success: {base: 1.0}", "      success: &s {base: *s}"),
    "syntax-merge-not-a-map": ("    lease: {term_years: 5, rate: 0.16}", "    lease: {<<: 5, rate: 0.16}"),
    "syntax-nul-byte": ("name: bad-input-base", "name: bad-in\x00put"),
    "syntax-bad-escape": ('source: "Bernstein, Oct 2025"', 'source: "Bernstein\\q Oct 2025"'),
    "syntax-non-breaking-space": ("    cash: 4", "    cash:\u00a04"),
    # --- types -----------------------------------------------------------------------
    "types-text-for-number": ("    cash: 4", "    cash: four"),
    "types-percent-text": ("    rate: 0.11\n", "    rate: 11%\n"),
    "types-bool-for-number": ("    gross_margin: 0.75", "    gross_margin: yes"),
    "types-empty-number": ("    gross_margin: 0.75", "    gross_margin:"),
    "types-list-for-number": ("    cash: 4", "    cash: [4]"),
    "types-list-for-map": ("  ai_demand:\n    volatility: 0.25\n"
                           "    winter: {enter_per_year: 0.08, exit_per_year: 0.5}\n",
                           "  ai_demand: [0.25, 0.08, 0.5]\n"),
    "types-map-for-list": ("    residual_value_by_age: [1.0, 0.65, 0.45, 0.3]",
                           "    residual_value_by_age: {new: 1.0, old: 0.3}"),
    "types-text-for-list": ("    residual_value_by_age: [1.0, 0.65, 0.45, 0.3]",
                            "    residual_value_by_age: 1.0, 0.65, 0.45, 0.3"),
    "types-map-for-parties": ("  - id: valor\n    kind: investor\n", "  - valor\n"),
    "types-fraction-for-whole": ("horizon_quarters: 40", "horizon_quarters: 40.5"),
    "types-text-for-whole": ("horizon_quarters: 40", "horizon_quarters: forty"),
    "types-list-for-text": ("name: bad-input-base", "name: [bad, input]"),
    "types-number-for-id": ("  - id: valor", "  - id: 7"),
    "types-bare-yes-for-id": ("  - id: valor", "  - id: yes"),
    "types-bare-year-for-name": ("name: bad-input-base", "name: 2026"),
    "types-bare-null-for-name": ("name: bad-input-base", "name: null"),
    "types-amount-with-dollar-and-unit": ("    amount: 6\n", "    amount: $6B\n"),
    "types-amount-with-unit": ("    amount: 6\n", "    amount: 6bn\n"),
    "types-decimal-comma": ("    rate: 0.11\n", "    rate: 0,11\n"),
    "types-unicode-minus": ("      success: {base: 1.0}", "      success: {base: \u22121.0}"),
    "types-id-reads-as-date": ("  - id: series-d", "  - id: dec-2025"),
    "types-id-reads-as-month-day": ("  - id: series-d", "  - id: mar1"),
    "types-id-reads-as-missing": ("  - id: valor\n    kind: investor\n",
                                  "  - id: valor\n    kind: investor\n  - id: nan\n    kind: investor\n"),
    "types-id-reads-as-boolean": ("  - id: valor\n    kind: investor\n",
                                  "  - id: valor\n    kind: investor\n  - id: 'true'\n    kind: lender\n"),
    "types-quarter-as-year": ("start: 2025Q4", "start: 2025"),
    "types-amount-in-words": ("    amount: 6\n", "    amount: 6 billion\n"),
    "types-amount-currency-code": ("    amount: 6\n", "    amount: USD 6B\n"),
    "types-horizon-in-years": ("horizon_quarters: 40", "horizon_quarters: 10 years"),
    "types-sourced-rate-in-percent": ("amount: 12.5, rate: 0.11",
                                      "amount: 12.5, rate: {value: 11, source: Apollo term sheet, basis: fact}"),
    "types-bool-flag-text": ("    lease: {term_years: 5, rate: 0.16}",
                             "    lease: {term_years: 5, rate: 0.16}\n    covenants: yes"),
    # --- ranges ----------------------------------------------------------------------
    "ranges-negative-amount": ("    amount: 6\n", "    amount: -6\n"),
    "ranges-negative-cash": ("    cash: 4", "    cash: -4"),
    "ranges-rate-in-percent": ("amount: 12.5, rate: 0.11", "amount: 12.5, rate: 11"),
    "ranges-margin-in-percent": ("    gross_margin: 0.75", "    gross_margin: 75"),
    "ranges-probability-above-one": ("enter_per_year: 0.08", "enter_per_year: 8"),
    "ranges-close-probability": ("    amount: 6\n", "    amount: 6\n    close_probability: 1.5\n"),
    "ranges-haircut-above-one": ("fire_sale_haircut: 0.3", "fire_sale_haircut: 1.3"),
    "ranges-horizon-zero": ("horizon_quarters: 40", "horizon_quarters: 0"),
    "ranges-horizon-negative": ("horizon_quarters: 40", "horizon_quarters: -4"),
    "ranges-horizon-too-long": ("horizon_quarters: 40", "horizon_quarters: 1000"),
    "ranges-growth-below-minus-one": ("growth: {from: 3.0,", "growth: {from: -3.0,"),
    "ranges-growth-in-percent": ("growth: {from: 3.0,", "growth: {from: 300,"),
    "ranges-long-run-growth-in-percent": ("to: 0.3, half_life_years: 2}", "to: 30, half_life_years: 2}"),
    "ranges-training-growth-in-percent": ("training_growth: {from: 1.5,", "training_growth: {from: 150,"),
    "ranges-growth-eleven-fold": ("growth: {from: 3.0,", "growth: {from: 10,"),
    "ranges-amount-in-dollars": ("    amount: 6\n", "    amount: 6000000000\n"),
    "ranges-discount-rate-in-percent": ("    discount_rate: 0.09\n", "    discount_rate: 9\n"),
    "ranges-zero-term": ("    term_years: 5\n", "    term_years: 0\n"),
    "ranges-not-finite": ("    cash: 4", "    cash: .inf"),
    "ranges-not-a-number": ("    gross_margin: 0.75", "    gross_margin: .nan"),
    "ranges-huge-number": ("    cash: 4", "    cash: " + "9" * 400),
    "ranges-amount-above-limit": ("{quarter: 2026Q4, capacity: 0.2}", "{quarter: 2026Q4, capacity: 1e300}"),
    "ranges-volatility-above-limit": ("    volatility: 0.25", "    volatility: 50"),
    "ranges-uncertain-volatility-above-limit": ("{dist: uniform, low: 0.3, high: 0.6}",
                                                "{dist: uniform, low: 0.3, high: 60}"),
    "ranges-maturity-half-life-zero": ("      success: {base: 1.0}\n",
                                       "      success: {base: 1.0}\n      maturity: {multiple: 8, half_life_years: 0}\n"),
    "ranges-maturity-negative-multiple": ("      success: {base: 1.0}\n",
                                          "      success: {base: 1.0}\n      maturity: {multiple: -8, half_life_years: 2}\n"),
    "struct-maturity-misspelt-half-life": ("      success: {base: 1.0}\n",
                                           "      success: {base: 1.0}\n      maturity: {multiple: 8, half_life: 2}\n"),
    "ranges-max-dilution-zero": ("      success: {base: 1.0}\n",
                                 "      success: {base: 1.0}\n      max_dilution: 0\n"),
    "ranges-max-dilution-one": ("      success: {base: 1.0}\n",
                                "      success: {base: 1.0}\n      max_dilution: 1\n"),
    "ranges-max-dilution-percent": ("      success: {base: 1.0}\n",
                                    "      success: {base: 1.0}\n      max_dilution: 13\n"),
    "ranges-max-dilution-uniform-to-one": ("      success: {base: 1.0}\n",
                                           "      success: {base: 1.0}\n      max_dilution: {dist: uniform, low: 0.1, high: 1}\n"),
    "ranges-quarter-format": ("start: 2025Q4", "start: 2025-Q4"),
    "ranges-quarter-five": ("start: 2025Q4", "start: 2025Q5"),
    "ranges-quarter-first": ("start: 2025Q4", "start: Q4 2025"),
    "ranges-quarter-fiscal": ("start: 2025Q4", "start: FY26Q1"),
    "ranges-quarter-q-then-short-year": ("    start: 2026Q2", "    start: Q3-26"),
    "ranges-quarter-analyst-style": ("    start: 2026Q2", "    start: 3Q26"),
    "ranges-deal-before-start": ("    start: 2026Q2", "    start: 2024Q1"),
    "ranges-schedule-before-start": ("{quarter: 2026Q3,", "{quarter: 2024Q3,"),
    "ranges-schedule-out-of-order": ("{quarter: 2026Q4,", "{quarter: 2026Q2,"),
    "ranges-contract-ramp-below-one": ("  - id: valor\n    kind: investor\n",
                                       "  - id: neo\n    kind: cloud\n    cash: 1\n"
                                       "    procurement: {nvidia: 1.0}\n    contracts:\n"
                                       "      - {tenant: xai, capacity: 0.5, price_per_unit_year: 13,"
                                       " term_years: 5, ramp_quarters: 0.5}\n"
                                       "    spot: {price_per_unit_year: 13}\n"
                                       "  - id: valor\n    kind: investor\n"),
    # --- references ------------------------------------------------------------------
    "refs-unknown-party": ("    lessee: xai", "    lessee: xia"),
    "refs-unknown-vendor": ("procurement: {nvidia: 1.0}", "procurement: {nvdia: 1.0}"),
    "refs-unknown-lender": ("debt: {lender: apollo,", "debt: {lender: apolo,"),
    "refs-unknown-spv-holder": ("equity: {nvidia: 2, valor: 5.5}", "equity: {nvidia: 2, vallor: 5.5}"),
    "refs-wrong-kind-borrower": ("    borrower: xai\n    amount: 2", "    borrower: valor\n    amount: 2"),
    "refs-wrong-kind-vendor": ("    vendor: nvidia\n    amount: 20", "    vendor: apollo\n    amount: 20"),
    "refs-wrong-kind-investor": ("    investor: valor", "    investor: xai"),
    "refs-equity-in-lab-without-revenue": ("      run_rate: 0.5", "      run_rate: 0"),
    "refs-lab-holds-itself": ("holders: {valor: 0.1}", "holders: {xai: 0.1}"),
    "refs-duplicate-party-id": ("    discount_rate: 0.09\n",
                                "    discount_rate: 0.09\n  - id: valor\n    kind: lender\n"),
    "refs-builtin-party-id": ("    discount_rate: 0.09\n",
                              "    discount_rate: 0.09\n  - id: market\n    kind: investor\n"),
    "refs-duplicate-deal-id": ("  - id: series-d", "  - id: term-loan"),
    "refs-deal-id-is-party-id": ("  - id: series-d", "  - id: valor"),
    "refs-correlation-unknown-path": ("b: parties.xai.funding.valuation_multiple",
                                      "b: parties.xai.funding.valuation_multipel"),
    "refs-correlation-with-itself": ("b: parties.xai.funding.valuation_multiple",
                                     "b: parties.xai.revenue.volatility"),
    "refs-correlation-fixed-number": ("b: parties.xai.funding.valuation_multiple",
                                      "b: parties.xai.cash"),
    "refs-correlation-curve-point": ("b: parties.xai.funding.valuation_multiple",
                                     "b: 'market.hardware.residual_value_by_age[2]'"),
    # --- structure -------------------------------------------------------------------
    "struct-spv-equity-plus-debt": ("amount: 12.5", "amount: 12"),
    "struct-procurement-shares": ("procurement: {nvidia: 1.0}", "procurement: {nvidia: 0.8}"),
    "struct-cap-table-over-one": ("holders: {valor: 0.1}", "holders: {valor: 0.7, nvidia: 0.5}"),
    "struct-deal-after-horizon": ("    start: 2026Q2", "    start: 2040Q1"),
    "struct-schedule-after-horizon": ("{quarter: 2026Q4,", "{quarter: 2036Q4,"),
    "struct-vendor-credit-no-repayment": ("    repayment:\n      - {kind: revenue_share, share: 0.1}\n"
                                          "      - {kind: cash}\n", "    repayment: []\n"),
    "struct-vendor-credit-repayment-missing": ("    repayment:\n      - {kind: revenue_share, share: 0.1}\n"
                                               "      - {kind: cash}\n", ""),
    "struct-vendor-credit-means-twice": ("      - {kind: cash}\n", "      - {kind: revenue_share, share: 0.2}\n"),
    "struct-schedule-empty": ("    schedule:\n      - {quarter: 2026Q3, capacity: 0.1}\n"
                              "      - {quarter: 2026Q4, capacity: 0.2}\n", "    schedule: []\n"),
    "struct-spv-uncertain-amount": ("    amount: 20", "    amount: {p05: 15, p95: 25}"),
    "struct-loan-without-rate": ("    rate: 0.11\n", ""),
    "struct-party-field-of-another-kind": ("  - id: valor\n    kind: investor\n",
                                           "  - id: valor\n    kind: investor\n"
                                           "  - id: amd\n    kind: investor\n    content_per_unit: 30\n"),
    "struct-deal-field-of-another-kind": ("    rate: 0.11\n    term_years: 5\n  - id: colossus2-spv",
                                          "    rate: 0.11\n    term_years: 5\n    shortfall_fee: 0.2\n"
                                          "  - id: colossus2-spv"),
    "struct-fact-without-source": ('{value: 35, source: "Bernstein, Oct 2025", basis: fact}',
                                   "{value: 35, basis: fact}"),
    "struct-fact-empty-source": ('{value: 35, source: "Bernstein, Oct 2025", basis: fact}',
                                 '{value: 35, source: "", basis: fact}'),
    "struct-content-above-all-in": ("{value: 35, source:", "{value: 55, source:"),
    "struct-missing-market": ("market:\n  ai_demand:", "markets:\n  ai_demand:"),
    "struct-unknown-field": ("    revenue:\n", "    revenu:\n"),
    "struct-unknown-deal-kind": ("kind: spv_lease", "kind: spv_leas"),
    "struct-deal-kind-by-meaning": ("    kind: equity\n", "    kind: investment\n"),
    "struct-deal-kind-of-two-words": ("    kind: vendor_credit\n", "    kind: vendor_loan\n"),
    "struct-deal-field-of-another-role": ("    vendor: nvidia\n    borrower: xai\n",
                                          "    vendor: nvidia\n    lender: xai\n"),
    "struct-missing-party-kind": ("    kind: investor\n", ""),
    "syntax-list-then-map": ("name: bad-input-base\n", "- name: bad-input-base\n"),
    "struct-warrant-without-tranches": ("    shortfall_fee: 0.2\n", "    shortfall_fee: 0.2\n"
                                        "  - {id: warrant, kind: deployment_warrant, issuer: nvidia, holder: xai,\n"
                                        "     strike: 0.01, tranches: []}\n"),
    "struct-warrant-tranches-missing": ("    shortfall_fee: 0.2\n", "    shortfall_fee: 0.2\n"
                                        "  - {id: warrant, kind: deployment_warrant, issuer: nvidia, holder: xai,\n"
                                        "     strike: 0.01}\n"),
    "refs-guarantee-of-itself": ("    shortfall_fee: 0.2\n", "    shortfall_fee: 0.2\n"
                                 "  - {id: backing, kind: loan_guarantee, guarantor: nvidia, guarantees: backing,\n"
                                 "     lender: apollo, borrower: xai}\n"),
    "refs-guarantee-of-equity": ("    shortfall_fee: 0.2\n", "    shortfall_fee: 0.2\n"
                                 "  - {id: backing, kind: loan_guarantee, guarantor: nvidia, guarantees: series-d,\n"
                                 "     lender: apollo, borrower: xai}\n"),
    # --- uncertainty specs -----------------------------------------------------------
    "unc-p05-above-p95": ("{p05: 15, p95: 60}", "{p05: 60, p95: 15}"),
    "unc-p05-equals-p95": ("{p05: 15, p95: 60}", "{p05: 15, p95: 15}"),
    "unc-unknown-distribution": ("{dist: uniform, low: 0.3, high: 0.6}",
                                 "{dist: gamma, low: 0.3, high: 0.6}"),
    "unc-missing-parameter": ("{dist: uniform, low: 0.3, high: 0.6}", "{dist: uniform, low: 0.3}"),
    "unc-foreign-parameter": ("{dist: uniform, low: 0.3, high: 0.6}",
                              "{dist: uniform, low: 0.3, high: 0.6, p95: 0.9}"),
    "unc-low-above-high": ("{dist: uniform, low: 0.3, high: 0.6}", "{dist: uniform, low: 0.6, high: 0.3}"),
    "unc-mode-outside": ("{dist: uniform, low: 0.3, high: 0.6}",
                         "{dist: triangular, low: 0.3, mode: 0.9, high: 0.6}"),
    "unc-lognormal-below-zero": ("{p05: 15, p95: 60}", "{p05: -1, p95: 60}"),
    "unc-number-mixing-two-forms": ("{p05: 15, p95: 60}", "{low: 15, high: 60, p05: 20}"),
    "unc-probability-as-lognormal": ("    amount: 6\n", "    amount: 6\n    close_probability: {p05: 0.5, p95: 0.9}\n"),
    "unc-range-leaves-bounds": ("    gross_margin: 0.75", "    gross_margin: {dist: normal, p05: 0.6, p95: 0.9}"),
    "unc-residual-curve-rises": ("residual_value_by_age: [1.0, 0.65, 0.45, 0.3]",
                                 "residual_value_by_age: [1.0, 0.65, {low: 0.35, mode: 0.45, high: 0.7}, 0.3]"),
    "unc-correlation-above-one": ("valuation_multiple, rho: 0.5}", "valuation_multiple, rho: 1.5}"),
    "unc-correlation-not-psd": (
        "  - {a: parties.xai.revenue.volatility, b: parties.xai.funding.valuation_multiple, rho: 0.5}\n",
        "  - {a: parties.xai.revenue.volatility, b: parties.xai.funding.valuation_multiple, rho: 0.9}\n"
        "  - {a: parties.xai.revenue.volatility, b: market.ai_demand.volatility, rho: 0.9}\n"
        "  - {a: parties.xai.funding.valuation_multiple, b: market.ai_demand.volatility, rho: -0.9}\n"),
}

# Edits applied after the one above, for cases that need two changes to the base.
_FINANCIALS = ("    gross_margin: 0.75\n",
               "    gross_margin: 0.75\n    financials: {earnings_multiple: 30, shares_outstanding: 24000}\n")
EXTRA: dict[str, tuple[str, str]] = {
    "struct-warrant-without-tranches": _FINANCIALS,  # a warrant's issuer needs a share price
    "struct-warrant-tranches-missing": _FINANCIALS,
    "unc-correlation-not-psd": ("    volatility: 0.25\n", "    volatility: {p05: 0.15, p95: 0.35}\n"),
}

# name: exact bytes, for files that are not an edit of the base text.
RAW: dict[str, bytes] = {
    "syntax-empty-file": b"",
    "syntax-only-comments": b"# a scenario will go here\n\n# nothing yet\n",
    "syntax-only-whitespace": b"   \n\n   \n",
    "syntax-top-level-text": b"just some words about a scenario\n",
    "syntax-top-level-list": b"- name: first\n- name: second\n",
    "syntax-latin1-encoding": BASE.replace("A small", "A sm\xe4ll").encode("latin-1"),
    "syntax-utf16-with-bom": BASE.encode("utf-16"),
    "syntax-utf8-bom-then-tab": b"\xef\xbb\xbf" + BASE.replace("  hardware:", "\thardware:").encode(),
    "syntax-binary-junk": bytes(range(256)) * 4,
    "syntax-png-header": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(64),
    "syntax-gzip-bytes": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(200, 256)),
}


def main() -> None:
    written = 0
    for name, (old, new) in EDITS.items():
        assert BASE.count(old) == 1, f"{name}: the text to replace must occur once"
        text = BASE.replace(old, new)
        if name in EXTRA:
            extra_old, extra_new = EXTRA[name]
            assert text.count(extra_old) == 1, name
            text = text.replace(extra_old, extra_new)
        (HERE / f"{name}.yaml").write_bytes(text.encode("utf-8"))
        written += 1
    for name, raw in RAW.items():
        (HERE / f"{name}.yaml").write_bytes(raw)
        written += 1
    print(f"wrote {written} files in {HERE}")


if __name__ == "__main__":
    main()
