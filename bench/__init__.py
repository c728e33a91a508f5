"""Load benchmarks of a served Kliento; run with `python -m bench.run` (see bench/README.md)."""
