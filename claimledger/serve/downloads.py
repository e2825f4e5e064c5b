"""Claims as a CSV download: through the exports module when it is there, else a plain CSV.

The file is written completely (spooled to disk past a few megabytes) before it is sent, so
the ledger connection goes back to the pool before the response starts.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from ..models import CLAIM_FIELDS

#: Columns of the fallback CSV (the exports module writes every ledger column).
FALLBACK_COLUMNS = ("claim_id", "document_id", "claim_index", "assertion_id", *CLAIM_FIELDS, "review_status",
                    "extractor_version", "outlet", "source", "url", "title", "published", "relay_count",
                    "outlet_count", "independent_count", "first_seen")
SPOOL_BYTES = 8 << 20
CHUNK = 1 << 16


def csv_file(rows: Iterable[Mapping[str, Any]]) -> IO[bytes]:
    """The rows as CSV in a file positioned at its start."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by read_chunks)
    try:
        from .exports import write_export  # type: ignore[attr-defined]
    except ImportError:
        _write_plain_csv(rows, out)
    else:
        write_export(rows, "csv", out)
    out.seek(0)
    return out


def _write_plain_csv(rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(FALLBACK_COLUMNS)
    for row in rows:
        writer.writerow([_cell(col, row.get(col)) for col in FALLBACK_COLUMNS])
    text.flush()
    text.detach()  # leave ``out`` open for the reader


def _cell(column: str, value: Any) -> Any:
    if column == "evidence":
        return " | ".join(e.get("text", "") for e in value or [])
    return "" if value is None else value


def read_chunks(fh: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in chunks; closes it at the end."""
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()
