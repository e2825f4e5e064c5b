"""A corpus cut into partitions, and each partition read back into documents where it runs.

A partition is a list of input files, so a task shipped to a worker carries file names,
never text: the worker reads its files itself (inputs must be on a file system every
worker sees). Record files (JSONL, JSON, CSV/TSV, Parquet) are usually shards already,
so each is a partition of its own; loose report files (text, Markdown, HTML, feeds) are
grouped, ``files_per_partition`` to a partition, in the order ``ingest`` reads them.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError, IngestError
from ..ingest.feeds import looks_like_feed
from ..ingest.fetch import is_url
from ..ingest.readers import FORMATS
from ..models import Document
from .shards import shard_name

PARQUET = ".parquet"
#: Inputs that hold many records and so make a partition each.
RECORD_EXTENSIONS = frozenset({".jsonl", ".ndjson", ".json", ".csv", ".tsv", PARQUET})
DEFAULT_FILES_PER_PARTITION = 100


@dataclass(frozen=True, slots=True)
class Partition:
    """Input files extracted together into one shard."""

    index: int
    members: tuple[str, ...]

    @property
    def name(self) -> str:
        return shard_name(self.index, self.members)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How every partition is read (the options ``ingest`` takes for its inputs)."""

    published: str | None = None
    outlet: str | None = None
    max_bytes: int = 50_000_000
    text_column: str | None = None
    registry_files: tuple[str, ...] = field(default=())


def plan_partitions(inputs: Sequence[str | os.PathLike[str]], *,
                    files_per_partition: int = DEFAULT_FILES_PER_PARTITION) -> list[Partition]:
    """Cut the inputs (files and directories, read recursively) into partitions, in input order.

    Raises:
        ConfigError: an input is a URL or standard input (workers read files), or is missing.
    """
    if files_per_partition < 1:
        raise ConfigError(f"files per partition must be at least 1, not {files_per_partition}")
    partitions: list[Partition] = []
    loose: list[str] = []

    def close_group() -> None:
        if loose:
            partitions.append(Partition(len(partitions), tuple(loose)))
            loose.clear()

    for path in (f for given in inputs for f in _files(os.fspath(given))):
        if Path(path).suffix.lower() in RECORD_EXTENSIONS:
            close_group()
            partitions.append(Partition(len(partitions), (path,)))
            continue
        loose.append(path)
        if len(loose) >= files_per_partition:
            close_group()
    close_group()
    return partitions


def _files(path: str) -> Iterator[str]:
    if path == "-" or is_url(path):
        raise ConfigError(f"{path}: a partitioned corpus is read from files (workers cannot read "
                          "standard input or fetch URLs): save them first")
    if os.path.isdir(path):
        yield from _walk(path)
    elif os.path.exists(path):
        yield path
    else:
        raise ConfigError(f"{path}: no such file or directory")


def _walk(root: str) -> Iterator[str]:
    """Report files under ``root`` as ``ingest`` walks them: sorted, hidden entries skipped,
    XML only when it is a feed; Parquet files too."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            extension = os.path.splitext(name)[1].lower()
            if name.startswith(".") or (extension not in FORMATS and extension != PARQUET):
                continue
            path = os.path.join(folder, name)
            if extension != ".xml" or _is_feed(path):
                yield path


def _is_feed(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return looks_like_feed(fh.read(4000))
    except OSError:
        return True  # reading it reports the error


# -- on the worker ---------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _war_starts(registry_files: tuple[str, ...]) -> Any:
    from ..extract.registry import load_registry
    return tuple(load_registry(*registry_files).war_starts())


def read_partition(partition: Partition, options: ReadOptions) -> tuple[list[Document], list[IngestError]]:
    """The partition's documents, read as ``ingest`` reads them; unreadable inputs become errors."""
    from ..ingest import iter_documents

    errors: list[IngestError] = []
    war_starts = _war_starts(options.registry_files)
    docs: list[Document] = []
    for member in partition.members:
        if member.lower().endswith(PARQUET):
            docs += _parquet_documents(member, options, war_starts, errors)
        else:
            docs += iter_documents([member], published=options.published, outlet=options.outlet,
                                   max_bytes=options.max_bytes, on_error=errors.append, war_starts=war_starts,
                                   text_column=options.text_column)
    return docs, errors


def _parquet_documents(path: str, options: ReadOptions, war_starts: Any,
                       errors: list[IngestError]) -> list[Document]:
    """A Parquet file of reports: one record a row, named ``path#ROW`` (from 1), read like JSONL records."""
    import pyarrow.parquet as pq

    from ..ingest.dates import parse_date
    from ..ingest.records import RecordOptions, record_document, with_date_order

    try:
        rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # noqa: BLE001  pyarrow raises several kinds for a file that is not Parquet
        errors.append(IngestError(path, f"not a readable Parquet file: {type(exc).__name__}: {exc}"))
        return []
    record_options = with_date_order(RecordOptions(
        text_field=options.text_column, war_starts=war_starts,
        published=parse_date(options.published) if options.published else None,
        outlet=options.outlet or None), rows)
    docs = []
    for number, row in enumerate(rows, 1):
        try:
            docs.append(record_document({k: _plain(v) for k, v in row.items()}, source=f"{path}#{number}",
                                        options=record_options))
        except IngestError as err:
            errors.append(err)
    return docs


def _plain(value: Any) -> Any:
    """Parquet dates and timestamps as the ISO text a JSONL record would hold."""
    return value.isoformat() if hasattr(value, "isoformat") else value
