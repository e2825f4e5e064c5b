"""HTML pages through trafilatura/htmldate, offline."""
from __future__ import annotations

import pytest

from claimledger.errors import DropDocument
from claimledger.ingest import iter_documents, parse_html
from claimledger.ingest.html import NO_TEXT

PARAGRAPHS = (
    "<p>RIVERTOWN, March 4, 2024 (EXW) - A drone strike hit a fuel depot on the edge of the"
    " town on Monday, the regional governor said, adding that three workers were wounded.</p>"
    "<p>The ministry said its air defences downed 12 of 15 drones overnight. The claim could"
    " not be independently verified by reporters at the scene.</p>"
    "<p>Officials said repairs would take several weeks and that deliveries to the nearby"
    " villages were suspended until further notice.</p>"
)


def page(head: str = "", body: str = PARAGRAPHS) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Depot hit near river | Example Wire</title>"
        f"{head}</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Depot hit near river</h1>{body}</article>"
        "<footer>Example Wire, all rights reserved</footer></body></html>"
    )


FULL_HEAD = (
    '<meta property="og:site_name" content="Example Wire">'
    '<meta property="og:title" content="Depot hit near river">'
    '<link rel="canonical" href="https://wire.example/news/depot-hit">'
    '<meta property="article:published_time" content="2024-03-05T10:00:00+00:00">'
)


def test_page_with_metadata() -> None:
    doc = parse_html(page(FULL_HEAD), source="p.html")
    assert doc.title == "Depot hit near river"
    assert doc.outlet == "Example Wire"
    assert doc.url == "https://wire.example/news/depot-hit"
    assert (doc.published, doc.date_source) == ("2024-03-05", "metadata")
    assert "downed 12 of 15 drones" in doc.text
    assert "Home" not in doc.text and "all rights reserved" not in doc.text


def test_date_found_in_page_text_by_htmldate() -> None:
    doc = parse_html(page(), source="p.html")  # extensive search finds "March 4, 2024"
    assert doc.published == "2024-03-04"


def test_page_without_any_date_uses_the_dateline() -> None:
    body = PARAGRAPHS.replace("March 4, 2024", "March 4").replace(
        "overnight.", "overnight, as the war enters its third year.")
    doc = parse_html(page(body=body), source="p.html",
                     war_starts=[(["war"], "2022-02-24")])
    assert (doc.published, doc.date_source) == ("2024-03-04", "dateline+inferred-year")
    assert "third year" in doc.warnings[0]


def test_caller_options_override_page_metadata() -> None:
    doc = parse_html(page(FULL_HEAD), source="p.html", published="2024-01-01", outlet="Mine")
    assert (doc.published, doc.date_source, doc.outlet) == ("2024-01-01", "option", "Mine")


@pytest.mark.parametrize("raw", [
    "<html><head><title>Broken</title></head><body><div class='x'><p",
    "<html><body></body></html>",
    "<html><body><script>var x = 1;</script></body></html>",
    "<<<>>>",
])
def test_broken_pages_are_dropped(raw: str) -> None:
    with pytest.raises(DropDocument) as info:
        parse_html(raw, source="broken.html")
    assert info.value.reason == NO_TEXT and info.value.source == "broken.html"


def test_html_file_is_read_by_extension(write) -> None:
    path = write("news/page.htm", page(FULL_HEAD))
    docs = list(iter_documents([path]))
    assert [d.source for d in docs] == [str(path)]
    assert docs[0].outlet == "Example Wire"


def test_html_is_sniffed_without_extension(write) -> None:
    path = write("page.dat", page(FULL_HEAD))
    (doc,) = iter_documents([path])
    assert doc.title == "Depot hit near river" and "<p>" not in doc.text
