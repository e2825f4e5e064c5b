"""Claims as a download, in any of the exports module's formats.

The file is written completely (spooled to disk past a few megabytes) before it is sent, so
the ledger connection goes back to the pool before the response starts.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from .exports import ExportFormat, export_format, write_export

SPOOL_BYTES = 8 << 20
CHUNK = 1 << 16


def export_file(rows: Iterable[Mapping[str, Any]], fmt: str) -> tuple[IO[bytes], ExportFormat]:
    """The rows exported as ``fmt`` in a file positioned at its start, and the format.

    Raises:
        ConfigError: ``fmt`` is not an export format.
    """
    chosen = export_format(fmt)
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by read_chunks)
    try:
        write_export(rows, chosen.name, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, chosen


def read_chunks(fh: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes in chunks; closes it at the end."""
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()
