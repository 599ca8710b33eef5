"""GeoJSON views of quote documents."""

from __future__ import annotations

from typing import Any


def quote_geojson(doc: dict[str, Any]) -> dict[str, Any]:
    """The legs of every alternative of a quote document as an RFC 7946 FeatureCollection."""
    features = []
    for index, alt in enumerate(doc.get("alternatives", [])):
        for seq, leg in enumerate(alt["legs"]):
            props = {k: v for k, v in leg.items() if k != "geometry"}
            props.update({"alternative": index, "sequence": seq, "tags": alt["tags"]})
            features.append({"type": "Feature", "geometry": leg["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": features}
