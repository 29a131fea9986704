"""Benchmarks and the evaluation harness: measured and reported, never asserted in tests."""
