"""The ledger as Apache Parquet: typed columns, written one record batch at a time."""
from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from datetime import date
from itertools import islice

import pyarrow as pa
import pyarrow.parquet as pq

from .rows import DATE_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, LEDGER_COLUMNS, Row

#: Rows per record batch (and so per Parquet row group).
BATCH_ROWS = 10_000

EVIDENCE_TYPE = pa.list_(pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())]))


def _arrow_type(column: str) -> pa.DataType:
    if column in INT_COLUMNS:
        return pa.int64()
    if column in FLOAT_COLUMNS:
        return pa.float64()
    if column in DATE_COLUMNS:
        return pa.date32()
    return EVIDENCE_TYPE if column == "evidence" else pa.string()


#: Every ledger column, nullable, in ledger order.
SCHEMA = pa.schema([pa.field(column, _arrow_type(column)) for column in LEDGER_COLUMNS])


class _ChunkSink:
    """A write-only file for pyarrow that hands written bytes on instead of keeping them.

    ``tell`` counts every byte ever written: Parquet's footer records row-group offsets from it.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def encode_parquet(rows: Iterable[Row], *, batch_rows: int = BATCH_ROWS) -> Generator[bytes, None, int]:
    """Parquet bytes in chunks (one per record batch, then the footer); returns rows written."""
    sink = _ChunkSink()
    writer = pq.ParquetWriter(sink, SCHEMA)
    written = 0
    try:
        for batch in _batches(rows, batch_rows):
            writer.write_batch(pa.RecordBatch.from_pylist([_arrow_row(row) for row in batch], schema=SCHEMA))
            written += len(batch)
            yield sink.take()
    finally:
        writer.close()
    yield sink.take()
    return written


def _arrow_row(row: Row) -> Row:
    typed = dict(row)
    for column in DATE_COLUMNS:
        if typed[column] is not None:
            typed[column] = date.fromisoformat(typed[column])
    return typed


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
