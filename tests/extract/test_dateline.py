"""A wire dateline says where a report was filed from: kept as the document's ``filed_from``,
never the place of a claim (issue 9: "MOSCOW (Sputnik)" made Moscow the place of claims about
Kursk), stored in the ledger and carried by the exports."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from claimledger import Document
from claimledger.cli import cli
from claimledger.extract.pipeline import default_extractor
from claimledger.store import open_ledger

MOSCOW = ("MOSCOW (Sputnik) - Air defences shot down 116 Ukrainian drones overnight, the Russian Defence "
          "Ministry said.")
KYIV = ("KYIV, March 4 (Reuters) - Russian strikes killed 3 civilians in Kharkiv, the regional governor said.")
NO_DATELINE = "The Russian Defence Ministry said 116 Ukrainian drones were shot down overnight."


def _result(text: str):  # type: ignore[no-untyped-def]
    return default_extractor().extract_result(Document(text=text, published="2024-03-04"))


def test_the_dateline_is_where_the_report_was_filed_and_not_a_claims_place() -> None:
    moscow = _result(MOSCOW)
    assert moscow.document.filed_from == "Moscow"
    assert [c.value for c in moscow.claims] == [116]
    assert all(c.location != "Moscow" for c in moscow.claims)
    kyiv = _result(KYIV)
    assert kyiv.document.filed_from == "Kyiv"
    assert [(c.value, c.location) for c in kyiv.claims] == [(3, "Kharkiv")]  # the sentence's place, not Kyiv


def test_a_report_without_a_dateline_was_filed_from_nowhere_known() -> None:
    assert _result(NO_DATELINE).document.filed_from is None


def test_filed_from_is_stored_and_exported(tmp_path: Path) -> None:
    report = tmp_path / "kyiv.txt"
    report.write_text(KYIV + "\n", encoding="utf-8")
    db = str(tmp_path / "l.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(report), "--db", db, "--no-progress"]).exit_code == 0
    with open_ledger(db) as ledger:
        [doc] = ledger.db.execute("SELECT filed_from FROM documents")
        assert doc["filed_from"] == "Kyiv"
        [row] = ledger.db.execute("SELECT filed_from, location FROM claims_view")
        assert (row["filed_from"], row["location"]) == ("Kyiv", "Kharkiv")
    out = runner.invoke(cli, ["export", "--format", "csv", "--db", db])
    [claim] = list(csv.DictReader(io.StringIO(out.output)))
    assert claim["filed_from"] == "Kyiv" and claim["location"] == "Kharkiv"
