"""`python -m benchmarks`: see benchmarks/runner.py."""

from .runner import main

raise SystemExit(main())
