"""Quotes: the filter chain over the search's Pareto set and the quote document (DESIGN.md §4.1)."""
