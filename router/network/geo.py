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


def fraction_along(points: Sequence[tuple[float, float]], lon: float, lat: float) -> float:
    """Where on a polyline of (lon, lat) points the point nearest (``lon``, ``lat``) lies, as a
    fraction (0..1) of the polyline's geodesic length."""
    pts = list(points)
    if len(pts) < 2:
        return 0.0
    best_d2, best_seg, best_t = float("inf"), 0, 0.0
    for k, (a, b) in enumerate(pairwise(pts)):
        dx, dy = b[0] - a[0], b[1] - a[1]
        span = dx * dx + dy * dy
        t = 0.0 if span == 0 else max(0.0, min(1.0, ((lon - a[0]) * dx + (lat - a[1]) * dy) / span))
        px, py = a[0] + t * dx, a[1] + t * dy
        d2 = (px - lon) ** 2 + (py - lat) ** 2
        if d2 < best_d2:
            best_d2, best_seg, best_t = d2, k, t
    lengths = [geodesic_km(a[0], a[1], b[0], b[1]) for a, b in pairwise(pts)]
    total = sum(lengths)
    if total <= 0:
        return 0.0
    return (sum(lengths[:best_seg]) + best_t * lengths[best_seg]) / total
