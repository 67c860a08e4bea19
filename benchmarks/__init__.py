"""cormorant's benchmark suite: SQLAlchemy's `examples/performance` workloads run
through cormorant, SQLAlchemy 2.0 and the raw driver side by side in one process.

    python -m benchmarks --help
"""
