"""Scenarios for planners (DESIGN.md §7): specifications of the seed's measures as ordered,
validated modifications of a base network, demand tables, the runner and its engines, KPIs and
reports."""
