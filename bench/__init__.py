"""Benchmarks: run with `make bench`; figures print to stdout and land in bench/results/."""
