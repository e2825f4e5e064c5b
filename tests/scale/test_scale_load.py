"""`claimledger load`: shards into a ledger as ingest would write them, once, and resumably."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimledger.cli import cli
from claimledger.scale.load import load_shards
from claimledger.store import open_ledger

from conftest import ledger_rows  # type: ignore[import-not-found]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def ingested(ledger_url: str, scale_corpus: Path, tmp_path: Path) -> Iterator[dict[str, list[tuple[object, ...]]]]:
    """What `ingest` writes for the corpus, in a ledger of the same kind as ``ledger_url``."""
    if "://" not in ledger_url:
        yield _ingest(scale_corpus, str(tmp_path / "ingested.db"))
        return
    with _sibling(ledger_url) as reference:
        yield _ingest(scale_corpus, reference)


def _ingest(corpus: Path, url: str) -> dict[str, list[tuple[object, ...]]]:
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", url, "--no-progress", "-q"])
    assert result.exit_code == 1, result.output      # the empty file is an ingest error
    return ledger_rows(url)


@contextmanager
def _sibling(url: str) -> Iterator[str]:
    """A second fresh PostgreSQL database on the server of ``url``, dropped afterwards."""
    import psycopg
    from psycopg import sql
    server, name = url.rsplit("/", 1)
    ref = sql.Identifier(name + "_ref")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ref))
    try:
        yield f"{server}/{name}_ref"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ref))


def test_loaded_rows_are_the_rows_ingest_writes(ledger_url: str, scale_shards: Path,
                                                ingested: dict[str, list[tuple[object, ...]]]) -> None:
    out = json.loads(invoke("load", str(scale_shards), "--db", ledger_url, "--json", "-q"))
    assert out["shards_loaded"] == 6 and out["documents_added"] == 15 and out["errors_recorded"] == 1
    loaded = ledger_rows(ledger_url)
    assert loaded == ingested
    # The toll relayed by three wire copies in three shards (and by a03) is one assertion of four
    # reports; the near-copy joins its original's cluster, so three of them are independent.
    with open_ledger(ledger_url) as ledger:
        toll = [a for a in ledger.assertions(category=["killed"]) if a["value"] == 30534 and a["relay_count"] > 1]
    assert len(toll) == 1
    assert toll[0]["relay_count"] == 4 and toll[0]["independent_count"] == 3


def test_loading_twice_adds_nothing(ledger_url: str, scale_shards: Path) -> None:
    invoke("load", str(scale_shards), "--db", ledger_url, "-q")
    before = ledger_rows(ledger_url)
    again = json.loads(invoke("load", str(scale_shards), "--db", ledger_url, "--json", "-q"))
    assert again["shards_loaded"] == 0 and again["shards_skipped"] == 6
    assert ledger_rows(ledger_url) == before


def test_a_shard_copied_under_another_name_adds_nothing(ledger_url: str, scale_shards: Path,
                                                        tmp_path: Path) -> None:
    invoke("load", str(scale_shards), "--db", ledger_url, "-q")
    before = ledger_rows(ledger_url)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for path in scale_shards.glob("part-00001-*"):
        (renamed / path.name.replace("part-00001", "part-09999")).write_bytes(path.read_bytes())
    out = json.loads(invoke("load", str(renamed), "--db", ledger_url, "--json", "-q"))
    assert out["shards_skipped"] == 1 and ledger_rows(ledger_url) == before


class Stop(Exception):
    pass


def test_a_load_stopped_between_shards_resumes_without_duplicates(ledger_url: str, scale_shards: Path,
                                                                  ingested: dict[str, list[tuple[object, ...]]]
                                                                  ) -> None:
    def stop_after_two(shard: object) -> None:
        done.append(shard)
        if len(done) == 2:
            raise Stop

    done: list[object] = []
    with open_ledger(ledger_url) as ledger, pytest.raises(Stop):
        load_shards(scale_shards, ledger, progress=stop_after_two)
    with open_ledger(ledger_url) as ledger:
        partial = ledger.counts()["documents"]
        resumed = load_shards(scale_shards, ledger)
    assert 0 < partial < 15
    assert resumed.skipped == 2 and resumed.loaded == 4
    assert ledger_rows(ledger_url) == ingested


def test_a_killed_load_resumes_without_duplicates(ledger_url: str, scale_shards: Path,
                                                  ingested: dict[str, list[tuple[object, ...]]]) -> None:
    # SIGKILL as soon as the first shard is reported: the second is then usually half written
    # (its transaction open); whatever the moment, the rerun must end with the same ledger.
    with subprocess.Popen([sys.executable, "-m", "claimledger", "load", str(scale_shards), "--db", ledger_url],
                          stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as proc:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert first.startswith("part-00000-")
    assert proc.returncode == -signal.SIGKILL
    invoke("load", str(scale_shards), "--db", ledger_url, "-q")
    assert ledger_rows(ledger_url) == ingested


def test_a_document_postgresql_refuses_is_recorded_and_the_rest_of_its_shard_loads(postgres_url: str,
                                                                                   tmp_path: Path) -> None:
    from claimledger.models import Document, ExtractionResult
    from claimledger.scale.shards import write_shard
    from claimledger.store import Prepared

    good = Prepared.of(ExtractionResult(document=Document(text="A plain report.", source="good.txt")))
    bad = Prepared.of(ExtractionResult(document=Document(text="A report with a \x00 byte.", source="bad.txt")))
    write_shard(tmp_path, "part-00000-test", [good, bad])
    result = CliRunner().invoke(cli, ["load", str(tmp_path), "--db", postgres_url, "--json", "-q"])
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert out["documents_added"] == 1 and [source for source, _ in out["refused"]] == ["bad.txt"]
    with open_ledger(postgres_url) as ledger:
        assert ledger.counts()["documents"] == 1
        assert [e["source"] for e in ledger.errors()] == ["bad.txt"]
    again = json.loads(invoke("load", str(tmp_path), "--db", postgres_url, "--json", "-q"))
    assert again["shards_skipped"] == 1


def test_two_loads_started_at_once_on_a_new_ledger_write_each_row_once(
        ledger_url: str, scale_shards: Path, ingested: dict[str, list[tuple[object, ...]]]) -> None:
    # Both create the ledger (the schema, loaded_shards among it, is made under the migration
    # lock) and then race over the same shards: each document, claim and relay count once.
    cmd = [sys.executable, "-m", "claimledger", "load", str(scale_shards), "--db", ledger_url, "-q"]
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        if p.stderr:
            p.stderr.close()
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert ledger_rows(ledger_url) == ingested
    with open_ledger(ledger_url) as ledger:
        assert ledger.db.execute("SELECT COUNT(*) AS n FROM loaded_shards")[0]["n"] == 6
