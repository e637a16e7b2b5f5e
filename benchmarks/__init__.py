"""Benchmarks (pytest-benchmark) and the scaling script; see benchmarks/conftest.py."""
