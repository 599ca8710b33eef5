"""Independent checks of the engine's answers: the customs-legality checker (a product feature:
check any route) and an explicit state graph used as a second formulation by tests and benchmarks."""
