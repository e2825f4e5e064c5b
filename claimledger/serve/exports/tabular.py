"""Text exports written as a stream of byte chunks: the ledger as CSV and as JSON Lines, and
the CSV table writer the GED, ACLED and HXL shapes share."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from typing import Any

from .rows import Row, flat_columns, flatten_row

#: Bytes gathered before a chunk is handed on: large enough for few writes, small enough to
#: keep an export of any size in bounded memory.
CHUNK_BYTES = 1 << 16

Chunks = Generator[bytes, None, int]


class TextBuffer(io.StringIO):
    """A StringIO that hands over its UTF-8 bytes and starts again."""

    def take(self) -> bytes:
        # Lone surrogates (text decoded with surrogateescape upstream) cannot be UTF-8: '?'.
        data = self.getvalue().encode("utf-8", errors="replace")
        self.seek(0)
        self.truncate(0)
        return data


def encode_table(rows: Iterable[Row], columns: Sequence[str], to_record: Callable[[Row], Mapping[str, Any]],
                 *, extra_header_rows: Sequence[Sequence[str]] = ()) -> Chunks:
    """CSV (RFC 4180: CRLF, quotes where needed) with a header row, then one line per row.

    Returns the number of data rows (the generator's return value).
    """
    buffer = TextBuffer()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(extra_header_rows)
    written = 0
    for row in rows:
        record = to_record(row)
        writer.writerow(map(record.get, columns))  # csv writes None as an empty cell
        written += 1
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.take()
    yield buffer.take()
    return written


def encode_csv(rows: Iterable[Row]) -> Chunks:
    """Every ledger column, evidence flattened to ``evidence_text``/``_start``/``_end``."""
    return encode_table(rows, flat_columns(), flatten_row)


def encode_jsonl(rows: Iterable[Row]) -> Chunks:
    """One JSON object per line with every ledger column; ``evidence`` stays a list of spans."""
    buffer = TextBuffer()
    written = 0
    for row in rows:
        buffer.write(json.dumps(row, ensure_ascii=False, allow_nan=False))
        buffer.write("\n")
        written += 1
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.take()
    yield buffer.take()
    return written
