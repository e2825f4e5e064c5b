"""Scale: a corpus extracted partition by partition (here or on a Dask cluster) into Parquet
claim shards, and shards bulk-loaded into a ledger (COPY on PostgreSQL, batches on SQLite).

See docs/scale.md for the cluster set-up.
"""
from __future__ import annotations

from .corpus import Partition, ReadOptions, plan_partitions
from .dask_engine import ENGINES, PartitionReport, ShardSummary, extract_to_shards
from .shards import CLAIMS_SCHEMA, DOCUMENTS_SCHEMA, Shard, list_shards, read_shard

__all__ = ["CLAIMS_SCHEMA", "DOCUMENTS_SCHEMA", "ENGINES", "Partition", "PartitionReport", "ReadOptions", "Shard",
           "ShardSummary", "extract_to_shards", "list_shards", "plan_partitions", "read_shard"]
