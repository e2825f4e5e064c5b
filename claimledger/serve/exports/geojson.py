"""Claims with coordinates as an RFC 7946 GeoJSON FeatureCollection of points, for map tools."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .rows import Row, flatten_row
from .tabular import CHUNK_BYTES, Chunks, TextBuffer

#: About 0.1 m: more digits only pretend to a precision the gazetteer does not have.
COORDINATE_DECIMALS = 6


def encode_geojson(rows: Iterable[Row]) -> Chunks:
    """A FeatureCollection written feature by feature; rows without coordinates are left out.

    Returns the number of features written.
    """
    buffer = TextBuffer()
    buffer.write('{"type": "FeatureCollection", "features": [')
    written = 0
    for row in rows:
        if row["latitude"] is None or row["longitude"] is None:
            continue
        buffer.write(",\n" if written else "\n")
        buffer.write(json.dumps(to_feature(row), ensure_ascii=False, allow_nan=False))
        written += 1
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.take()
    buffer.write("\n]}\n")
    yield buffer.take()
    return written


def to_feature(row: Row) -> dict[str, Any]:
    """A Point feature (RFC 7946 order: longitude, latitude) whose properties are the row with
    the evidence text but without its character offsets."""
    point = [round(row["longitude"], COORDINATE_DECIMALS), round(row["latitude"], COORDINATE_DECIMALS)]
    return {
        "type": "Feature",
        "id": row["claim_id"],
        "geometry": {"type": "Point", "coordinates": point},
        "properties": flatten_row(row, offsets=False),
    }
