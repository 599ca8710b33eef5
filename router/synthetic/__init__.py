"""Synthetic inputs for tests and benchmarks (random networks, train weeks). A leaf: nothing in
the engine imports it."""
