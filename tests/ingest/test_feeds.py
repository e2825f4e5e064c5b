"""RSS/Atom feeds and URLs: fetched from a local HTTP server (or httpx.MockTransport)."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimledger.errors import DropDocument, IngestError
from claimledger.ingest import USER_AGENT, iter_documents, parse_feed
from claimledger.ingest.feeds import html_fragment_text, looks_like_feed
from claimledger.ingest.readers import detect_format

BODY = (
    "<p>Officials in the valley said on Tuesday that 9 trucks in a supply convoy were"
    " destroyed on the mountain road, and that two drivers were wounded in the attack.</p>"
    "<p>The regional office added that the road would stay closed while engineers checked"
    " the bridges, and that food deliveries to the upper villages were delayed again.</p>"
    "<p>Residents described long queues at the remaining open crossing near the river.</p>"
)
SITE_HEAD = ('<meta property="og:site_name" content="Valley Courier">'
             '<meta property="article:published_time" content="2024-05-02T09:00:00Z">')


def page(title: str = "Convoy hit on mountain road", head: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
            f"<article><h1>{title}</h1>{BODY}</article></body></html>").encode()


def rss(items: str, title: str = "Hill Country Bulletin") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://example.invalid/</link>"
            f"<description>News</description>{items}</channel></rss>").encode()


def item(link: str = "", title: str = "", date: str = "", text: str = "") -> str:
    parts = [f"<title>{title}</title>" if title else "", f"<link>{link}</link>" if link else "",
             f"<pubDate>{date}</pubDate>" if date else "",
             f"<description>{text}</description>" if text else ""]
    return "<item>" + "".join(parts) + "</item>"


@dataclass
class Site:
    """A local web server: ``routes`` maps a path to (status, headers, body)."""

    base: str
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)  # (path, User-Agent)

    def add(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8",
            status: int = 200, **headers: str) -> str:
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
            state.seen.append((self.path, self.headers.get("User-Agent", "")))
            status, headers, body = state.routes.get(
                self.path, (404, {"Content-Type": "text/plain"}, b"no such page"))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def read(inputs: list[Any], **kwargs: Any):
    errors: list[IngestError] = []
    docs = list(iter_documents(inputs, on_error=errors.append, **kwargs))
    return docs, errors


def test_html_page_url(site: Site) -> None:
    url = site.add("/news/convoy", page(head=SITE_HEAD))
    (doc,), errors = read([url])
    assert errors == []
    assert (doc.source, doc.url, doc.outlet, doc.title) == (
        url, url, "Valley Courier", "Convoy hit on mountain road")
    assert doc.published == "2024-05-02"
    assert "9 trucks in a supply convoy" in doc.text
    assert site.seen == [("/news/convoy", USER_AGENT)]
    assert USER_AGENT.startswith("claimledger/")


def test_redirect_is_followed(site: Site) -> None:
    target = site.add("/new", page())
    old = site.add("/old", b"", status=301, Location="/new")
    (doc,), _ = read([old])
    assert (doc.source, doc.url) == (old, target)


def test_plain_text_url(site: Site) -> None:
    text = "Two bridges were damaged by shelling overnight, the regional office said.\n"
    url = site.add("/note.txt", text.encode(), "text/plain; charset=utf-8")
    (doc,), _ = read([url])
    assert doc.text == text and doc.url == url


def test_feed_items_become_their_pages(site: Site) -> None:
    full = site.add("/a", page(title="Depot burns | Valley Courier", head=SITE_HEAD))
    bare = site.add("/b", page(title="Convoy hit on mountain road"))
    feed = site.add("/feed", rss(
        item(full, "Feed title A", "Tue, 30 Apr 2024 23:30:00 -0400", "Short A.")
        + item(bare, "Feed title B", "Wed, 01 May 2024 08:00:00 +0000")),
        "application/rss+xml")
    docs, errors = read([feed])
    assert errors == []
    first, second = docs
    assert [d.source for d in docs] == [full, bare]
    # The page's own metadata wins; without a site name, the feed's title is the outlet.
    assert (first.outlet, first.published) == ("Valley Courier", "2024-05-02")
    assert (second.outlet, second.published, second.title, second.url) == (
        "Hill Country Bulletin", "2024-05-01", "Convoy hit on mountain road", bare)
    assert "9 trucks" in second.text and second.warnings == ()


def test_item_dates_as_the_feed_writes_them(site: Site) -> None:
    bare = site.add("/b", page())
    feed = site.add("/feed", rss(item(bare, "B", "Tue, 30 Apr 2024 23:30:00 -0400")),
                    "application/rss+xml")
    (doc,), _ = read([feed])
    assert doc.published == "2024-04-30"  # not shifted to 1 May in UTC


def test_failed_page_falls_back_to_item_text(site: Site) -> None:
    gone = site.base + "/gone"
    broken = site.add("/broken", b"oops", "text/plain", status=500)
    feed = site.add("/feed", rss(
        item(gone, "Gone", "Wed, 01 May 2024 08:00:00 +0000",
             "&lt;p&gt;Seven fishing boats were &lt;b&gt;sunk&lt;/b&gt; in the harbour.&lt;/p&gt;")
        + item(broken, "Broken")), "application/rss+xml")
    docs, errors = read([feed])
    (doc,) = docs
    assert doc.text == "Seven fishing boats were sunk in the harbour."
    assert (doc.source, doc.url, doc.title, doc.published, doc.outlet) == (
        gone, gone, "Gone", "2024-05-01", "Hill Country Bulletin")
    assert len(doc.warnings) == 1 and "HTTP 404" in doc.warnings[0]
    (error,) = errors
    assert error.source == broken
    assert "HTTP 500" in error.reason and "no text of its own" in error.reason


def test_item_linking_to_a_feed_uses_its_own_text(site: Site) -> None:
    inner = site.add("/inner", rss(item(text="Unused.")), "application/rss+xml")
    outer = site.add("/outer", rss(item(inner, "Loop", "", "Ten rockets were fired.")),
                     "application/rss+xml")
    (doc,), errors = read([outer])
    assert errors == [] and doc.text == "Ten rockets were fired."
    assert "expected a page, got a feed" in doc.warnings[0]


def test_csv_url_with_named_columns(site: Site) -> None:
    url = site.add("/data.csv", b'Body,When\n"Three drones were downed.",29/02/2024\n',
                   "text/csv; charset=utf-8")
    (doc,), errors = read([url], columns={"text": "Body", "published": "When"})
    assert errors == [] and (doc.source, doc.published) == (f"{url}#1", "2024-02-29")


def test_atom_feed_sniffed_with_relative_links(site: Site) -> None:
    site.add("/posts/1", page())
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Ridge Watch</title><id>urn:x</id><updated>2024-05-03T00:00:00Z</updated>"
            '<entry><title>One</title><link href="/posts/1"/><id>urn:1</id>'
            "<updated>2024-05-03T00:00:00Z</updated></entry></feed>").encode()
    url = site.add("/atom", atom, "text/xml")
    (doc,), errors = read([url])
    assert errors == [] and doc.url == site.base + "/posts/1"
    assert doc.outlet == "Ridge Watch" and "9 trucks" in doc.text


def test_local_feed_file(site: Site, tmp_path: Path) -> None:
    remote = site.add("/c", page())
    path = tmp_path / "saved.rss"
    path.write_bytes(rss(item(remote, "Remote") + item("local/2.html", "Local", "",
                                                       "Four homes were destroyed.")
                         + item(text="Eleven people were rescued.")))
    docs, errors = read([path])
    assert errors == []
    assert [d.source for d in docs] == [remote, f"{path}#2", f"{path}#3"]
    assert "9 trucks" in docs[0].text
    assert docs[1].text == "Four homes were destroyed." and docs[1].url is None
    assert "not an http(s) URL" in docs[1].warnings[0]
    assert docs[2].warnings == ("no publication date found; relative periods stay unresolved",)


def test_fetch_links_off_uses_item_text(tmp_path: Path) -> None:
    path = tmp_path / "saved.xml"
    path.write_bytes(rss(item("http://127.0.0.1:9/never", "X", "", "Three tanks were hit.")
                         + item("http://127.0.0.1:9/never2", "Y")))
    docs, errors = read([path], fetch_links=False)
    assert [d.text for d in docs] == ["Three tanks were hit."]
    assert not any("feed item" in w for w in docs[0].warnings)  # not fetching is no failure
    assert [e.source for e in errors] == ["http://127.0.0.1:9/never2"]
    assert "not fetched" in errors[0].reason


def test_caller_overrides_win_for_feed_items(site: Site) -> None:
    feed = site.add("/feed", rss(item(site.add("/b", page()), "B")), "application/rss+xml")
    (doc,), _ = read([feed], outlet="Given", published="2024-01-01")
    assert (doc.outlet, doc.published) == ("Given", "2024-01-01")


def test_http_errors_name_the_url_and_the_batch_goes_on(site: Site, tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("Five soldiers were wounded, the army said.\n")
    missing = site.base + "/missing"
    image = site.add("/pic", b"\x89PNG....", "image/png")
    docs, errors = read([missing, image, good])
    assert [d.source for d in docs] == [str(good)]
    assert [(e.source, e.reason) for e in errors] == [
        (missing, "HTTP 404 Not Found"),
        (image, "content type image/png is not text (expected HTML, plain text or a feed)")]


def test_too_big_responses_are_dropped(site: Site) -> None:
    url = site.add("/big", page())
    (error,) = read([url], max_bytes=100)[1]
    assert isinstance(error, DropDocument) and error.source == url
    assert "over the 100 bytes limit" in error.reason

    def stream(request: httpx.Request) -> httpx.Response:
        chunks = (b"x" * 60 for _ in range(5))  # no Content-Length: counted while reading
        return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=chunks)

    with httpx.Client(transport=httpx.MockTransport(stream)) as client:
        (error,) = read(["https://example.invalid/stream"], max_bytes=100, client=client)[1]
    assert isinstance(error, DropDocument) and "over the 100 bytes limit" in error.reason


def test_unreachable_host_and_timeout() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused, malformed = read([f"http://127.0.0.1:{port}/x", "http://[::1"], timeout=2)[1]
    assert refused.reason.startswith("could not connect")
    assert (malformed.source, malformed.reason[:17]) == ("http://[::1", "not a valid URL (")

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with httpx.Client(transport=httpx.MockTransport(slow)) as client:
        (error,) = read(["https://example.invalid/slow"], client=client, timeout=1.5)[1]
    assert (error.source, error.reason) == ("https://example.invalid/slow", "timed out after 1.5 s")


def test_injected_client_keeps_its_user_agent() -> None:
    agents: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["user-agent"])
        return httpx.Response(200, text="Six drones were downed.", headers={
            "Content-Type": "text/plain"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        read(["https://example.invalid/a"], client=client)
    with httpx.Client(transport=httpx.MockTransport(answer),
                      headers={"User-Agent": "research-bot/2"}) as client:
        read(["https://example.invalid/b"], client=client)
    assert agents == [USER_AGENT, "research-bot/2"]


def test_not_a_feed_and_empty_feed(tmp_path: Path) -> None:
    other = tmp_path / "config.xml"
    other.write_text('<?xml version="1.0"?><settings><a>1</a></settings>')
    empty = tmp_path / "empty.rss"
    empty.write_bytes(rss(""))
    errors = read([other, empty])[1]
    assert [e.source for e in errors] == [str(other), str(empty)]
    assert errors[0].reason.startswith("not an RSS or Atom feed")
    assert isinstance(errors[1], DropDocument) and errors[1].reason == "feed has no items"


def test_directory_walk_takes_feed_xml_only(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_bytes(rss(item(text="Eight shells fell.")))
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>')
    docs, errors = read([tmp_path], fetch_links=False)
    assert [d.source for d in docs] == [f"{tmp_path / 'feed.xml'}#1"] and errors == []


@pytest.mark.parametrize(("head", "expected"), [
    ('<?xml version="1.0"?>\n<!-- made by hand -->\n<rss version="2.0">', True),
    ("\ufeff<feed xmlns='http://www.w3.org/2005/Atom'>", True),
    ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', True),
    ("<html><body>rss</body></html>", False),
    ("<rsspecial>", False),
    ("Plain words about a <feed>.", False),
])
def test_looks_like_feed(head: str, expected: bool) -> None:
    assert looks_like_feed(head) is expected
    assert looks_like_feed(head.encode()) is expected
    assert (detect_format(None, head) == "feed") is expected


def test_feed_encoding_declaration_after_decoding() -> None:
    raw = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
           "<title>Café Noticias</title><item><description>Uno.</description></item>"
           "</channel></rss>")
    assert parse_feed(raw, source="s").title == "Café Noticias"


def test_html_fragment_text() -> None:
    fragment = ("<div><p>First  line,<br>second\nline.</p><script>var x = 1;</script>"
                "<ul><li>a &amp; b</li></ul></div>")
    assert html_fragment_text(fragment) == "First line,\n\nsecond line.\n\na & b"
