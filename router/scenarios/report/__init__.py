"""Scenario reports: PNG charts, flow maps and a self-contained offline HTML report of the runs
in a run directory (docs/scenario-reports.md). :func:`write_outputs` writes them all."""

from router.scenarios.report.outputs import write_outputs

__all__ = ["write_outputs"]
