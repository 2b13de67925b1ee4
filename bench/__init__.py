"""Benchmarks that measure and print tables (never asserted in tests); results go to bench/results/."""
