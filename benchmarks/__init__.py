"""Benchmarks: what the provider adds on top of the HTTP round trip, against baselines measured in the same run.

Run them with `benchmarks/run` (sets up `.venv` with the `bench` extras) or `.venv/bin/python -m benchmarks`.
"""
