"""Fuzzing the readers: whatever a file or a caller hands them, each reader returns documents
or reports the documented error (``IngestError`` and its subclass ``DropDocument``), never
another exception, and never hangs.

Each reader gets two kinds of input: junk (random bytes and text) and structured input made
hostile (valid JSON with lone surrogate escapes, deep nesting, huge numbers, fields of the
wrong type; broken HTML with huge attributes; CSV with giant cells, NUL bytes and runs of
quotes; feeds that try entity expansion; BOMs and mixed encodings). Files go through the
public entry point, ``iter_documents``; strings and bytes through ``read_text``,
``read_bytes``, ``parse_html`` and ``parse_feed``.

The number of examples is bounded so the file runs in well under a minute; set
``CLAIMLEDGER_FUZZ_EXAMPLES`` for a longer run. Crashes these found are pinned as explicit
regression tests at the end.
"""
from __future__ import annotations

import codecs
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimledger.errors import IngestError
from claimledger.ingest import iter_documents, parse_feed, parse_html, read_bytes, read_text
from claimledger.models import Document

EXAMPLES = int(os.environ.get("CLAIMLEDGER_FUZZ_EXAMPLES", "60"))
#: A reader slower than this on one example fails it: inputs stay under a few hundred KB, which
#: every reader handles in well under a second, so this only trips on a slow path (or a hang).
DEADLINE = timedelta(seconds=10)
#: A reader still busy after this is stuck: the example is stopped and fails.
HANG_S = 30

# A failing example of 100 KB makes hypothesis warn about its long repr; the failure is what matters.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

FUZZ = settings(max_examples=EXAMPLES, deadline=DEADLINE, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])


class Hang(Exception):
    """A reader ran past ``HANG_S`` on one input."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the body with ``Hang`` after ``seconds`` (main thread only; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Hang(f"a reader ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- building blocks -------------------------------------------------------------------------------

SENTENCES = st.sampled_from([
    "The brigade said its fighters killed 9 soldiers.",
    "KYIV, March 4 (Reuters) - Ukraine said it downed 29 of 31 drones overnight.",
    " date 2024-03-05 The ministry said at least 24 people were killed.",
    "Published: 2024-13-45\n",
    "Source @Example Front\n",
    "GAZA, Oct 7 (AP) —",
    "the spokesman said ",
    "Of them, 3 were killed. ",
    "1" * 400,
    "999999999999999999999999999999 soldiers were killed",
    "---\ntitle: x\ndate: 99999-01-01\n---\n",
    "# Heading\n\n> quote\n\n* item\n",
    "\u0642\u0627\u0644 \u0627\u0644\u0646\u0627\u0637\u0642 \u0625\u0646 12 \u062c\u0646\u062f\u064a\u0627 \u0642\u062a\u0644\u0648\u0627",
    "\u041c\u0438\u043d\u043e\u0431\u043e\u0440\u043e\u043d\u044b \u0441\u043e\u043e\u0431\u0449\u0438\u043b\u043e \u043e 12 \u0434\u0440\u043e\u043d\u0430\u0445",
])
ODD_CHARS = st.sampled_from(["\ud800", "\udfff", "\udc80", "\u202e", "\u200f", "\u2066", "\x00", "\ufeff",
                             "\uffff", "\U0010ffff", "\r", "\u2028", "\x85", "\x1b", "\t", "\n\n", "\u0301"])
ANY_CHAR = st.characters(exclude_categories=())  # surrogates included
DATES = st.sampled_from(["2024-03-05", "2024-13-01", "2024-02-30", "0000-01-01", "99999-12-31", "9999-12-31",
                         "1970-01-01T00:00:00Z", "Mon, 99 Foo 99999 25:61:61 +9999", "1e400", "-1", "",
                         "03/04/2024", "31/12/99999", "March 45, 2024", "\ud800", "NaN", str(2**64)])


def hostile_text(*, max_pieces: int = 25) -> st.SearchStrategy[str]:
    """Text mixing report sentences, odd characters (lone surrogates too), dates and noise."""
    piece = st.one_of(SENTENCES, ODD_CHARS, DATES, st.text(ANY_CHAR, max_size=30),
                      st.integers(min_value=-(10**40), max_value=10**40).map(str))
    return st.lists(piece, max_size=max_pieces).map("".join)


def unicode_only(text: str) -> str:
    """The text with lone surrogates dropped: what a file's bytes can hold."""
    return text.encode("utf-8", "ignore").decode("utf-8") if text else text


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1251", "latin-1", "gb18030",
             "shift_jis", "koi8-r", "cp1252"]
BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE, codecs.BOM_UTF8 * 2]


@st.composite
def file_bytes(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """Bytes of a file holding ``text``: pieces in mixed encodings, a BOM maybe wrong, or junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=3000))
    pieces = draw(st.lists(st.tuples(text, st.sampled_from(ENCODINGS)), min_size=1, max_size=3))
    body = b"".join(unicode_only(t).encode(enc, "replace") for t, enc in pieces)
    if draw(st.booleans()):
        body = body.replace(b"\n", b"\r\n")
    return draw(st.sampled_from(BOMS)) + body


# -- JSON ------------------------------------------------------------------------------------------

FIELD_NAMES = ["text", "Text", "body", "content", "article", "title", "headline", "url", "link", "published",
               "date", "Date", "outlet", "source", "publisher", "id", "messages", "type", "name"]
HUGE_NUMBERS = st.sampled_from([10**30, -(10**30), 2**63, 2**64 + 1, 1e308, -1e308, 5e-324, float("inf"),
                                float("-inf"), float("nan"), 10**4000])
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), HUGE_NUMBERS,
                        hostile_text(max_pieces=6), DATES)


def json_values(leaves: st.SearchStrategy[Any] = JSON_LEAVES) -> st.SearchStrategy[Any]:
    keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(ANY_CHAR, max_size=8))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                        max_leaves=12)


def field_value() -> st.SearchStrategy[Any]:
    """What a record field may hold: mostly text, but any JSON type (the wrong one too)."""
    return st.one_of(hostile_text(), hostile_text(), DATES, json_values())


RECORDS = st.fixed_dictionaries({}, optional={name: field_value() for name in FIELD_NAMES[:15]})


def to_json(value: Any, ensure_ascii: bool) -> str:
    """JSON text as a careless writer makes it: NaN, huge integers and "\\ud800" escapes kept."""
    try:
        return json.dumps(value, ensure_ascii=ensure_ascii)
    except ValueError:  # an integer over Python's digit limit
        return json.dumps(str(value))


def nested(depth: int, kind: str) -> str:
    return {"array": "[" * depth + "]" * depth, "object": '{"a":' * depth + "1" + "}" * depth,
            "text": '{"text":' * depth + '"x"' + "}" * depth}[kind]


JSON_TEXT_TRICKS = st.one_of(
    st.builds(nested, st.integers(100, 200_000), st.sampled_from(["array", "object", "text"])),
    st.sampled_from([
        '{"text": "\\ud800 killed 9"}', '{"text": "a\\udfffb", "title": "\\udbff"}', '[{"text": "\\ud83d"}]',
        '{"text": "9 killed", "published": ' + "9" * 5000 + "}", '{"text": 1' + "0" * 5000 + "}",
        '{"text": "9 killed", "published": 1e999999}', '{"text": NaN}', '{"text": -Infinity}',
        '{"text": "x", "text": ["dup"]}', '"just a string"', "null", "[]", "{}", '{"text": "',
        '{"text": "\\u0000 killed 3"}', '{"\\ud800": "\\udc00"}', "\ufeff{\"text\": \"bom\"}",
    ]),
)


@st.composite
def json_file_text(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(JSON_TEXT_TRICKS)
    if choice == 1:
        return to_json(draw(json_values()), draw(st.booleans()))
    value = draw(st.one_of(RECORDS, st.lists(RECORDS, max_size=5)))
    return to_json(value, draw(st.booleans()))


@st.composite
def jsonl_file_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(RECORDS.map(lambda r: to_json(r, True)), RECORDS.map(lambda r: to_json(r, False)),
                                    JSON_TEXT_TRICKS, hostile_text(max_pieces=4)), min_size=1, max_size=6))
    return draw(st.sampled_from(["\n", "\r\n", "\n\n"])).join(lines)


# -- Telegram exports ------------------------------------------------------------------------------

MESSAGE_IDS = st.one_of(st.integers(), HUGE_NUMBERS, st.text(ANY_CHAR, max_size=5), st.none(), st.booleans(),
                        st.lists(st.integers(), max_size=2))
TEXT_PIECES = st.one_of(hostile_text(max_pieces=5), st.fixed_dictionaries(
    {"type": st.sampled_from(["bold", "link", "text_link", "x"])}, optional={"text": field_value(), "href": DATES}),
    json_values())
MESSAGES = st.fixed_dictionaries(
    {"id": MESSAGE_IDS},
    optional={"type": st.sampled_from(["message", "service", "", "\ud800"]), "date": st.one_of(DATES, json_values()),
              "date_unixtime": st.one_of(DATES, HUGE_NUMBERS), "text": st.one_of(hostile_text(), st.lists(TEXT_PIECES,
              max_size=5), json_values()), "text_entities": st.lists(TEXT_PIECES, max_size=3),
              "from": field_value(), "forwarded_from": field_value()})
TELEGRAM = st.fixed_dictionaries(
    {"messages": st.lists(st.one_of(MESSAGES, MESSAGES, json_values()), max_size=6)},
    optional={"name": field_value(), "id": MESSAGE_IDS, "username": field_value(),
              "type": st.sampled_from(["public_channel", "private_supergroup", "x_channel", "personal_chat"])})


# -- CSV -------------------------------------------------------------------------------------------

CSV_CELLS = st.one_of(
    hostile_text(max_pieces=5), DATES,
    st.builds(lambda n, c: c * n, st.integers(1, 200_000), st.sampled_from(['"', "x", "\x00", ",", "\n", '""'])),
    st.sampled_from(['"unclosed', 'a"b', '""', '"""', '" "', "\r", "\x00\x00", "=cmd|' /C calc'!A0"]),
)


@st.composite
def csv_file_text(draw: st.DrawFn) -> str:
    delimiter = draw(st.sampled_from([",", "\t"]))
    header = draw(st.lists(st.one_of(st.sampled_from(FIELD_NAMES), CSV_CELLS), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CSV_CELLS, max_size=8), max_size=5))

    def line(cells: list[str]) -> str:
        quoted = draw(st.booleans())
        return delimiter.join(f'"{c}"' if quoted else c for c in cells)

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(line(cells) for cells in [header, *rows])


# -- feeds -----------------------------------------------------------------------------------------

BILLION_LAUGHS = ('<!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                  '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
                  '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
                  '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>')
PROLOGS = st.sampled_from([
    "", '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="utf-16"?>',
    '<?xml version="1.0" encoding="bogus-enc"?>', BILLION_LAUGHS,
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>', "\ufeff", "<!-- unterminated",
])
FEED_TEXT = st.one_of(hostile_text(max_pieces=6), DATES, st.sampled_from([
    "&h;", "&xxe;", "&bogus;", "&#xD800;", "&#99999999;", "&#0;", "<![CDATA[<p>9 killed</p>]]>",
    "<![CDATA[ unterminated", "<p>9 <b>killed</p>", "<script>x</script>", "javascript:alert(1)", "/relative/link",
    "http://" + "a" * 70_000, "&lt;div&gt;" * 2000,
]))


@st.composite
def feed_file_text(draw: st.DrawFn) -> str:
    def element(tag: str) -> str:
        return f"<{tag}>{draw(FEED_TEXT)}</{tag}>" if draw(st.booleans()) else ""

    if draw(st.booleans()):
        items = "".join(f"<item>{element('title')}{element('link')}{element('pubDate')}{element('description')}"
                        f"{element('content:encoded')}</item>" for _ in range(draw(st.integers(0, 4))))
        body = (f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"{element('title')}{items}</channel></rss>")
    else:
        entries = "".join(f"<entry>{element('title')}<link href=\"{draw(FEED_TEXT)}\"/>{element('updated')}"
                          f"{element('summary')}<content type=\"{draw(st.sampled_from(['html', 'text', 'xhtml']))}\">"
                          f"{draw(FEED_TEXT)}</content></entry>" for _ in range(draw(st.integers(0, 4))))
        body = f'<feed xmlns="http://www.w3.org/2005/Atom">{element("title")}{entries}</feed>'
    if draw(st.integers(0, 4)) == 0:  # cut short
        body = body[: draw(st.integers(0, len(body)))]
    return draw(PROLOGS) + body


# -- HTML ------------------------------------------------------------------------------------------

HTML_PIECES = st.one_of(
    SENTENCES, hostile_text(max_pieces=4), st.sampled_from([
        "<html>", "<head>", "<body>", "<div>", "</div>", "<p>", "</p>", "<article>", "<table><tr><td>", "</span>",
        "<title>", "</title>", "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<br/>",
        "&#xD800;", "&#99999999999;", "&bogus;", "&amp", "<", ">", "</", "<!DOCTYPE html>", "<?xml?>",
        '<meta property="article:published_time" content="99999-12-31T25:00">',
        '<meta name="date" content="2024-13-45">', '<time datetime="0000-00-00">', '<link rel="canonical" href="',
        '<html lang="\ud800">', '<meta charset="utf-16">', '<svg><foreignObject><p>',
    ]),
    st.builds(lambda n: '<a href="' + "x" * n + '">huge</a>', st.integers(1000, 100_000)),
    st.builds(lambda n: '<div title="' + "&#1;" * n + '">', st.integers(1, 5000)),
    st.builds(lambda n: "<div>" * n, st.integers(100, 5000)),
    st.builds(lambda n: "<p>9 killed " * n, st.integers(10, 500)),
)


def html_text() -> st.SearchStrategy[str]:
    return st.lists(HTML_PIECES, min_size=1, max_size=12).map("".join)


# -- the property ----------------------------------------------------------------------------------

def check_documents(docs: list[Any]) -> None:
    for doc in docs:
        assert isinstance(doc, Document), type(doc)
        assert isinstance(doc.text, str) and doc.text.strip()
        assert doc.doc_id


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


class _Logged(logging.Handler):
    """Keeps the error records logged while it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def no_reader_failure() -> Iterator[None]:
    """Fail with the original exception when a reader failed and only ``iter_documents``'s
    last-resort handler caught it (it logs the failure and reports the input as unread)."""
    logger = logging.getLogger("claimledger.ingest")
    logged = _Logged()
    logger.addHandler(logged)
    try:
        yield
    finally:
        logger.removeHandler(logged)
    for record in logged.records:
        if record.exc_info and record.exc_info[1] is not None:
            raise record.exc_info[1]
        raise AssertionError(record.getMessage())


def read_file(folder: Path, name: str, data: bytes | str) -> tuple[list[Document], list[IngestError]]:
    """``iter_documents`` over one file holding ``data``: its documents and the errors reported.

    Any exception but the documented errors handed to ``on_error`` fails the example, also one
    that the reader let through to the last-resort handler.
    """
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else unicode_only(data).encode("utf-8"))
    errors: list[IngestError] = []
    with time_limit(HANG_S), no_reader_failure():
        docs = list(iter_documents([str(path)], on_error=errors.append, fetch_links=False))
    check_documents(docs)
    assert all(isinstance(e, IngestError) for e in errors)
    return docs, errors


def documents_or_ingest_error(read: Callable[[], Any]) -> list[Any]:
    """What ``read`` returns (one document or several), or [] when it raises ``IngestError``."""
    try:
        with time_limit(HANG_S):
            result = read()
    except IngestError:
        return []
    docs = result if isinstance(result, list) else [result]
    check_documents(docs)
    return docs


# -- plain text ------------------------------------------------------------------------------------

@FUZZ
@given(hostile_text())
def test_read_text_on_any_string(text: str) -> None:
    documents_or_ingest_error(lambda: read_text(text, source="t.txt"))


@FUZZ
@given(st.one_of(st.binary(max_size=5000), file_bytes(hostile_text())))
def test_read_bytes_on_any_bytes(data: bytes) -> None:
    try:
        text = read_bytes(data, source="b.txt")
    except IngestError:
        return
    assert isinstance(text, str) and text.strip()


@FUZZ
@given(file_bytes(hostile_text()), st.sampled_from(["r.txt", "r.md", "r", "r.unknown"]))
def test_text_files(folder: Path, data: bytes, name: str) -> None:
    read_file(folder, name, data)


@FUZZ
@given(st.one_of(json_file_text(), jsonl_file_text(), csv_file_text(), feed_file_text(), html_text(),
                 st.builds(lambda n: '{"a":' + "[" * n + "\n{", st.integers(500, 1990))))
def test_files_whose_format_is_sniffed(folder: Path, text: str) -> None:
    read_file(folder, "sniffed.data", text)


# -- HTML ------------------------------------------------------------------------------------------

@FUZZ
@given(html_text())
def test_parse_html_on_broken_markup(markup: str) -> None:
    documents_or_ingest_error(lambda: parse_html(markup, source="p.html"))


@FUZZ
@given(file_bytes(html_text()), st.sampled_from(["p.html", "p.htm", "p.xhtml", "p"]))
def test_html_files(folder: Path, data: bytes, name: str) -> None:
    read_file(folder, name, data)


# -- JSON, JSONL, Telegram -------------------------------------------------------------------------

@FUZZ
@given(json_file_text())
def test_json_files(folder: Path, text: str) -> None:
    read_file(folder, "r.json", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(jsonl_file_text())
def test_jsonl_files(folder: Path, text: str) -> None:
    read_file(folder, "r.jsonl", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(TELEGRAM, st.booleans())
def test_telegram_exports(folder: Path, export: dict[str, Any], ensure_ascii: bool) -> None:
    read_file(folder, "result.json", to_json(export, ensure_ascii).encode("utf-8", "surrogatepass"))


# -- CSV -------------------------------------------------------------------------------------------

@FUZZ
@given(csv_file_text(), st.sampled_from(["r.csv", "r.tsv"]))
def test_csv_files(folder: Path, text: str, name: str) -> None:
    read_file(folder, name, text)


# -- feeds -----------------------------------------------------------------------------------------

@FUZZ
@given(feed_file_text())
def test_parse_feed_on_hostile_feeds(text: str) -> None:
    def items() -> list[Any]:
        parse_feed(unicode_only(text).encode("utf-8"), source="f.xml")
        return []

    documents_or_ingest_error(items)


@FUZZ
@given(feed_file_text(), st.sampled_from(["f.rss", "f.atom", "f.xml"]))
def test_feed_files(folder: Path, text: str, name: str) -> None:
    read_file(folder, name, text)


# -- regressions: each crash the fuzzing found, pinned --------------------------------------------

@pytest.mark.parametrize(("name", "content", "reason"), [
    ("long_number.json", '{"text": "9 killed", "published": ' + "9" * 5000 + "}", "number of more than"),
    ("long_number.jsonl", '{"text": "9 killed"}\n{"text": 1' + "0" * 5000 + "}", "number of more than"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("deep.jsonl", '{"text": "9 killed"}\n' + '{"a":' * 5000 + "1" + "}" * 5000, "nested too deeply"),
])
def test_json_a_decoder_cannot_hold_is_an_ingest_error(folder: Path, name: str, content: str, reason: str) -> None:
    """json.loads raised ValueError (int digit limit) and RecursionError past JSONDecodeError."""
    docs, errors = read_file(folder, name, content)
    assert [reason in e.reason for e in errors] == [True]
    assert len(docs) == (1 if name.endswith(".jsonl") else 0)


def test_a_first_line_nested_too_deeply_is_sniffed_as_json(folder: Path) -> None:
    """Sniffing the format of a file without extension raised RecursionError."""
    docs, errors = read_file(folder, "deep_first_line.data", '{"a":' + "[" * 1500 + '\n{"text": "x"}')
    assert not docs and len(errors) == 1


ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><entry><title>T</title>' \
       "<updated>{updated}</updated><summary>Nine soldiers were killed.</summary></entry></feed>"


@pytest.mark.parametrize(("title", "expected"), [
    ("&#xD800;", "\ufffd"),                          # a surrogate: feedparser raised UnicodeEncodeError
    ("a&#99999999;b", "a\ufffdb"),                    # past U+10FFFF: ValueError from chr()
    ("a&#" + "9" * 30 + ";b", "a\ufffdb"),           # OverflowError from chr()
    ("&#0;", "\ufffd"),
    ("&#x0000000041;&#65;", "AA"),                    # real characters stay
])
def test_feed_character_references_to_no_character(title: str, expected: str) -> None:
    feed = parse_feed(ATOM.format(title=title, updated="2024-03-05T10:00:00Z").encode(), source="f.atom")
    assert feed.title == expected and len(feed.items) == 1


def test_feed_item_dated_year_zero_has_no_date() -> None:
    """feedparser parses '0000-01-01'; date(0, 1, 1) raised ValueError."""
    feed = parse_feed(ATOM.format(title="F", updated="0000-01-01").encode(), source="f.atom")
    assert feed.items[0].published is None and feed.items[0].text == "Nine soldiers were killed."


@pytest.mark.parametrize(("start", "unit", "end"), [
    # The Markdown link pattern rescanned to the next ']' from every '[': 200 KB of '[' took ~10 minutes.
    ("", "[", ""), ("", "[](", ""), ("", "[a](", ""), ("", "[[]]", ""),
    # A heading's lazy body rescanned the blanks before a closing '#': 20 KB took 7 s.
    ("# ", " ", "x"), ("#", " \t", "x"),
    # A 'Source @' line's lazy outlet rescanned its trailing blanks and emphasis: 20 KB took 3 s.
    ("Source @a", " ", "b"), ("Source @a", "*_", "b"),
])
def test_long_runs_read_in_linear_time(start: str, unit: str, end: str) -> None:
    text = start + unit * (200_000 // len(unit)) + end + "\n\n9 soldiers were killed."
    with time_limit(HANG_S):
        started = time.perf_counter()
        doc = read_text(text, source="runs.md")
        assert time.perf_counter() - started < 5
    assert doc.text.endswith("9 soldiers were killed.")
