"""Benchmarks (``make bench``): Ketenregie's core beside bare SpiffWorkflow."""
