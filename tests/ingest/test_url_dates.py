"""Publication dates read from a report's URL when nothing else gives one."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import given, strategies as st

from claimledger.ingest import iter_documents
from claimledger.ingest.metadata import url_date


def test_url_dates_in_the_common_shapes() -> None:
    assert url_date("https://x.example/2024/03/04/strike") == (2024, 3, 4)
    assert url_date("https://x.example/news/20250826/losses-9662416.html") == (2025, 8, 26)
    assert url_date("https://x.example/a/2024-10-01-report") == (2024, 10, 1)
    assert url_date("https://x.example/2023/11/gaza") == (2023, 11, None)


def test_numbers_that_are_not_dates_are_left_alone() -> None:
    assert url_date("https://www.rudaw.net/english/300620252") is None
    assert url_date("https://x.example/2024123/x") is None
    assert url_date("https://x.example/2024/13/40/x") is None
    assert url_date("https://2024-03-04.example/story") is None  # the host is not the path
    assert url_date(None) is None


@given(st.text(max_size=200))
def test_url_date_never_fails_and_gives_real_dates(url: str) -> None:
    found = url_date("https://x.example/" + url)
    if found is not None and found[2] is not None:
        date(*found)


def _record(tmp_path: Path, **fields: str) -> Path:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"text": "Five soldiers were killed, the army said.", **fields}), "utf-8")
    return path


def test_a_record_with_a_dated_url_gets_that_date(tmp_path: Path) -> None:
    doc = next(iter_documents([str(_record(tmp_path, url="https://x.example/2024/03/04/army"))]))
    assert (doc.published, doc.date_source) == ("2024-03-04", "url")


def test_a_dateline_without_a_year_takes_the_urls_year(tmp_path: Path) -> None:
    text = "BAMAKO, Sept. 19 (AP) - Eleven soldiers were killed, the army said."
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"text": text, "url": "https://x.example/2024/09/mali-attack"}), "utf-8")
    doc = next(iter_documents([str(path)]))
    assert (doc.published, doc.date_source) == ("2024-09-19", "dateline+url-year")


def test_metadata_still_wins_over_the_url(tmp_path: Path) -> None:
    doc = next(iter_documents([str(_record(tmp_path, url="https://x.example/2024/03/04/a", published="2024-03-05"))]))
    assert doc.published == "2024-03-05"
