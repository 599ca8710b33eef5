"""Geodesy on the WGS84 ellipsoid (pyproj) and link geometry helpers (shapely)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise

from pyproj import Geod
from shapely.geometry import LineString


@cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in km between two WGS84 points."""
    _, _, metres = _geod().inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def path_km(points: Sequence[tuple[float, float]]) -> float:
    """Geodesic length in km of a polyline of (lon, lat) points."""
    return sum(geodesic_km(a[0], a[1], b[0], b[1]) for a, b in pairwise(points))


def as_linestring(points: Sequence[tuple[float, float]]) -> LineString:
    """A shapely LineString of (lon, lat) points (degenerate lines get a repeated point)."""
    pts = list(points)
    if len(pts) == 1:
        pts = pts * 2
    return LineString(pts)
