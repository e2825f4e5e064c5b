"""Extraction of a partitioned corpus into claim shards, here or on a Dask cluster.

Each partition is one task: read its files, extract them with the same batch function
``ingest`` uses (:func:`claimledger.flow.extract_prepared`), write one shard. Tasks share
nothing but the output directory, so they can run anywhere, in any order, more than once:
a rerun skips the partitions whose shard is already complete.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, IngestError
from ..store.ledger import countable
from .corpus import DEFAULT_FILES_PER_PARTITION, Partition, ReadOptions, plan_partitions, read_partition
from .shards import Shard, write_shard

ENGINES = ("local", "dask")
#: The registry files this process's extractor was built with (None: not built yet).
_extractor_ready: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class PartitionReport:
    """What one partition's task did."""

    name: str
    documents: int
    claims: int
    errors: tuple[tuple[str, str], ...] = ()
    #: The shard was already complete, so the task did nothing.
    skipped: bool = False


@dataclass(slots=True)
class ShardSummary:
    """What an extraction into shards wrote."""

    out_dir: str
    partitions: list[PartitionReport] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(p.documents for p in self.partitions)

    @property
    def claims(self) -> int:
        return sum(p.claims for p in self.partitions)

    @property
    def errors(self) -> list[IngestError]:
        return [IngestError(source, reason) for p in self.partitions for source, reason in p.errors]


def extract_partition(partition: Partition, out_dir: str, options: ReadOptions) -> PartitionReport:
    """Read, extract and write one partition's shard (skipped when that shard is complete)."""
    shard = Shard(partition.name, Path(out_dir))
    if shard.claims_path.is_file() and shard.documents_path.is_file():
        return _report_of_existing(shard)
    _ready(options.registry_files)
    from ..flow import extract_prepared

    docs, errors = read_partition(partition, options)
    prepared, failed = extract_prepared(docs)
    # Figures beyond a database integer are dropped here, as ingest drops them, so shards hold
    # only what a ledger can store.
    prepared = [countable(p) for p in prepared]
    errors += failed
    write_shard(out_dir, partition.name, prepared, errors)
    return PartitionReport(partition.name, len(prepared), sum(len(p.result.claims) for p in prepared),
                           tuple((e.source, e.reason) for e in errors))


def _ready(registry_files: tuple[str, ...]) -> None:
    """Build this process's extractor once (a Dask worker keeps it between tasks)."""
    global _extractor_ready
    if _extractor_ready != registry_files:
        from ..flow import _init_worker   # flow's per-process set-up: the extractor and its version
        _init_worker(registry_files)
        _extractor_ready = registry_files


def _report_of_existing(shard: Shard) -> PartitionReport:
    import pyarrow.parquet as pq
    return PartitionReport(shard.name, pq.read_metadata(shard.documents_path).num_rows,
                           pq.read_metadata(shard.claims_path).num_rows, skipped=True)


def extract_to_shards(inputs: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], *,
                      engine: str = "dask", scheduler: str | None = None, workers: int = 2,
                      files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
                      options: ReadOptions | None = None,
                      progress: Callable[[PartitionReport], None] | None = None) -> ShardSummary:
    """Extract a corpus into claim shards in ``out_dir``, one per partition.

    Args:
        inputs: files and directories (see :func:`.corpus.plan_partitions`).
        out_dir: where the shards go (created; on Dask, a directory every worker can write).
        engine: ``dask`` maps the partitions over a Dask cluster; ``local`` runs them here, one
            after another (the same tasks, for small corpora and for tests).
        scheduler: a Dask scheduler address (``tcp://host:8786``); None starts a ``LocalCluster``
            of ``workers`` processes with one thread each.
        workers: worker processes of the local cluster.
        files_per_partition: loose report files per partition.
        options: how inputs are read.
        progress: called with each partition's report as it finishes.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    options = options or ReadOptions()
    partitions = plan_partitions(inputs, files_per_partition=files_per_partition)
    out = os.fspath(out_dir)
    Path(out).mkdir(parents=True, exist_ok=True)
    summary = ShardSummary(out)
    if engine == "local":
        for part in partitions:
            _record(summary, extract_partition(part, out, options), progress)
    elif partitions:
        for report in _on_dask(partitions, out, options, scheduler, workers):
            _record(summary, report, progress)
    summary.partitions.sort(key=lambda r: r.name)
    return summary


def _record(summary: ShardSummary, report: PartitionReport,
            progress: Callable[[PartitionReport], None] | None) -> None:
    summary.partitions.append(report)
    if progress:
        progress(report)


def _on_dask(partitions: list[Partition], out_dir: str, options: ReadOptions, scheduler: str | None,
             workers: int) -> Iterator[PartitionReport]:
    """The partitions as a dask.bag (one element per bag partition) mapped on the cluster; reports
    come back as their shards are written, so progress shows while the cluster works."""
    import dask.bag as db
    from distributed import Client, LocalCluster, as_completed

    bag = db.from_sequence(partitions, partition_size=1).map(extract_partition, out_dir, options)

    def run(client: Client) -> Iterator[PartitionReport]:
        for future in as_completed(client.compute(bag.to_delayed()), loop=client.loop):
            yield from future.result()

    if scheduler:
        with Client(scheduler, set_as_default=False) as client:
            yield from run(client)
        return
    # ":0": the scheduler's HTTP server on a free port. None means Dask's default 8787, and a
    # second extraction on the same machine then fails to start its cluster.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster, set_as_default=False) as client:
        yield from run(client)


def describe(summary: ShardSummary) -> dict[str, Any]:
    """A short JSON-ready account of an extraction into shards."""
    return {"out": summary.out_dir, "shards": len(summary.partitions),
            "skipped": sum(1 for p in summary.partitions if p.skipped),
            "documents": summary.documents, "claims": summary.claims, "errors": len(summary.errors)}
