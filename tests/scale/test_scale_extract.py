"""`extract --out`: claim shards, on a Dask LocalCluster or here, hold exactly the claims of the
single-process path."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from claimledger.cli import cli
from claimledger.scale import CLAIMS_SCHEMA, list_shards, read_shard

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def single_process(*paths: str) -> list[dict[str, Any]]:
    """`extract --format jsonl`: one line per claim with its document's id and source."""
    return [json.loads(line) for line in invoke("extract", *paths, "--format", "jsonl").stdout.splitlines()]


def shard_claims(out: Path) -> list[dict[str, Any]]:
    """The shards' claims in the shape of `extract --format jsonl`, in shard order."""
    return [{"doc_id": r.document.doc_id, "source": r.document.source, **c.to_dict()}
            for shard in list_shards(out) for item in read_shard(shard).items
            for r in [item.result] for c in r.claims]


def test_dask_local_cluster_extracts_exactly_the_single_process_claims(tmp_path: Path) -> None:
    out = tmp_path / "shards"
    result = invoke("extract", str(ARTICLES), "--engine", "dask", "--workers", "2", "--partition-files", "10",
                    "--out", str(out))
    assert "wrote 5 shards" in result.stderr
    want = single_process(str(ARTICLES))
    assert len(want) > 400
    assert shard_claims(out) == want
    # Each shard's claims file agrees with its documents file on which documents it holds.
    for shard in list_shards(out):
        docs = set(pq.read_table(shard.documents_path, columns=["document_id"]).column(0).to_pylist())
        claimed = set(pq.read_table(shard.claims_path, columns=["document_id"]).column(0).to_pylist())
        assert claimed <= docs and len(docs) == (10 if shard.name != list_shards(out)[-1].name else 1)


def test_shard_columns_are_the_exports_columns_with_its_types() -> None:
    from claimledger.serve.exports.parquet import SCHEMA as EXPORT

    for field in CLAIMS_SCHEMA:
        assert field.name in EXPORT.names, field.name
        assert field.type == EXPORT.field(field.name).type, field.name
    assert {"claim_id", "document_id", "assertion_id", "evidence", "value", "period_start"} <= set(CLAIMS_SCHEMA.names)


def test_shards_are_named_by_partition_and_a_rerun_skips_complete_ones(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(ARTICLES.glob("*.txt"))[:4]:
        (corpus / path.name).write_bytes(path.read_bytes())
    first = invoke("extract", str(corpus), "--out", str(tmp_path / "a"), "--partition-files", "2")
    invoke("extract", str(corpus), "--out", str(tmp_path / "b"), "--partition-files", "2")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == 4 and names[0].startswith("part-00000-") and not any(n.startswith(".") for n in names)
    again = invoke("extract", str(corpus), "--out", str(tmp_path / "a"), "--partition-files", "2")
    assert again.stderr.count("already extracted") == 2 and "wrote 2 shards" in first.stderr


def test_a_parquet_corpus_gives_the_claims_of_the_same_records_in_jsonl(tmp_path: Path) -> None:
    records = [{"text": p.read_text(), "outlet": "Wire", "published": "2024-03-04", "title": p.stem}
               for p in sorted(ARTICLES.glob("*.txt"))[:3]]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "corpus.parquet")
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    invoke("extract", str(tmp_path / "corpus.parquet"), "--out", str(tmp_path / "shards"))
    from_parquet = shard_claims(tmp_path / "shards")
    from_jsonl = single_process(str(tmp_path / "corpus.jsonl"))
    assert from_parquet and len(from_parquet) == len(from_jsonl)
    for got, want in zip(from_parquet, from_jsonl):
        assert got["source"].endswith("corpus.parquet#" + want["source"].rsplit("#", 1)[1])
        assert {**got, "source": ""} == {**want, "source": ""}


def test_unreadable_inputs_are_reported_and_travel_to_the_ledger(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((ARTICLES / "a01_idf_rafah_weekly.txt").read_bytes())
    (corpus / "b.txt").write_text("  \n")
    result = CliRunner().invoke(cli, ["extract", str(corpus), "--out", str(tmp_path / "shards")])
    assert result.exit_code == 1 and "skipped" in result.stderr and "b.txt" in result.stderr
    invoke("load", str(tmp_path / "shards"), "--db", str(tmp_path / "l.db"), "-q")
    errors = invoke("errors", "--db", str(tmp_path / "l.db")).stdout
    assert "b.txt" in errors


def test_shard_options_need_out(tmp_path: Path) -> None:
    for args in (["--engine", "dask"], ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"],
                 ["--out", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"]):
        result = CliRunner().invoke(cli, ["extract", str(ARTICLES), *args])
        assert result.exit_code == 2, result.output
    assert not any(tmp_path.iterdir())


def test_scheduler_sends_the_partitions_to_the_users_cluster(tmp_path: Path) -> None:
    from distributed import LocalCluster

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(ARTICLES.glob("*.txt"))[:4]:
        (corpus / path.name).write_bytes(path.read_bytes())
    # The user's cluster: a scheduler with one in-process worker, started before the command.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        invoke("extract", str(corpus), "--engine", "dask", "--scheduler", cluster.scheduler_address,
               "--partition-files", "2", "--out", str(tmp_path / "shards"))
        ran = cluster.scheduler.task_prefixes
        assert any("extract_partition" in name for name in ran)
    assert shard_claims(tmp_path / "shards") == single_process(str(corpus))


def test_a_second_local_cluster_on_the_machine_still_starts(tmp_path: Path) -> None:
    # Dask's default HTTP port (8787) held by something else, as by another extraction
    # running on the same machine: the local cluster takes a free port instead of failing.
    import socket

    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 8787))
        holder.listen()
    except OSError:
        pass  # already held: the case this test is about
    try:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for path in sorted(ARTICLES.glob("*.txt"))[:2]:
            (corpus / path.name).write_bytes(path.read_bytes())
        invoke("extract", str(corpus), "--engine", "dask", "--workers", "1", "--out", str(tmp_path / "shards"))
        assert shard_claims(tmp_path / "shards") == single_process(str(corpus))
    finally:
        holder.close()
