"""Pure functions on results: valuation of cash flows, per-path metrics, the Result."""
