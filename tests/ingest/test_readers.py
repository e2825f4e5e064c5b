"""Decoding, size limits, directory walks, stdin and error reporting."""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from claimledger import ingest
from claimledger.errors import ConfigError, DropDocument, IngestError
from claimledger.ingest import iter_documents, read_bytes, read_text
from claimledger.ingest.metadata import NO_DATE_WARNING
from claimledger.ingest.readers import MB, detect_format

REPORT = (" date 2024-03-05 The brigade said its fighters killed 9 soldiers.\n\n"
          "Source @Example Front\n")
UKRAINIAN = ("Київ заявив про збиття 12 дронів. Міністерство оборони повідомило, що сили "
             "протиповітряної оборони знищили більшість цілей над областю. ")


@pytest.mark.parametrize(("data", "expected"), [
    (b"plain ascii", "plain ascii"),
    ("caf\u00e9 d\u00e9j\u00e0".encode(), "caf\u00e9 d\u00e9j\u00e0"),
    (b"\xef\xbb\xbfwith BOM", "with BOM"),
    ("utf-16 text".encode("utf-16"), "utf-16 text"),
    (UKRAINIAN.encode("cp1251"), UKRAINIAN),
])
def test_read_bytes_decodes(data: bytes, expected: str) -> None:
    assert read_bytes(data, source="f") == expected


@pytest.mark.parametrize(("data", "kind", "reason"), [
    (b"", DropDocument, "empty file"),
    (b" \n\t\r\n", DropDocument, "empty file"),
    (b"\xef\xbb\xbf", DropDocument, "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", DropDocument, "binary file"),
    (bytes(range(1, 9)) * 20 + b"text", DropDocument, "binary file"),
    (b"caf\xe9 \xff\xfe", IngestError,
     "not valid UTF-8 text (byte 0xe9 at offset 3) and no other encoding detected"),
])
def test_read_bytes_rejects(data: bytes, kind: type, reason: str) -> None:
    with pytest.raises(kind) as info:
        read_bytes(data, source="f.txt")
    assert type(info.value) is kind
    assert (info.value.source, info.value.reason) == ("f.txt", reason)


def make_bad_inputs(tmp_path: Path, write) -> dict[str, str]:
    """One of each bad input, mapped to the start of the reason expected for it."""
    bad = {
        str(write("empty.txt", b"")): "empty file",
        str(write("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00")): "binary file",
        str(write("latin.txt", b"caf\xe9 \xff\xfe")):
            "not valid UTF-8 text (byte 0xe9 at offset 3)",
        str(write("broken.html", b"<html><body><div><p")): "no article text found in HTML",
        str(write("feed.jsonl", b'{"text": "One killed."}\n{oops\n')) + ":2": "invalid JSON",
        str(tmp_path / "missing.txt"): "No such file or directory",
    }
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(200 * MB)  # sparse: costs no disk
    bad[str(huge)] = "file is 200.0 MB, over the 50 MB limit (--max-bytes)"
    return bad


def test_each_bad_input_gives_one_error_and_the_rest_are_read(tmp_path: Path, write) -> None:
    bad = make_bad_inputs(tmp_path, write)
    good = [write("a.txt", REPORT), write("b.md", "# Title\n\nTwo soldiers were wounded.\n")]
    paths = [good[0], *[p.split(":")[0] for p in bad], good[1]]
    errors: list[IngestError] = []
    docs = list(iter_documents(paths, on_error=errors.append))
    assert [d.source for d in docs] == [str(good[0]), f"{tmp_path}/feed.jsonl#1", str(good[1])]
    assert sorted(e.source for e in errors) == sorted(bad)
    for err in errors:
        assert err.reason.startswith(bad[err.source]), err
        assert str(err).startswith(err.source)


def test_oversized_file_is_not_read(tmp_path: Path, monkeypatch) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(200 * MB)

    def no_open(*args, **kwargs):
        raise AssertionError("the oversized file was opened")

    monkeypatch.setattr("builtins.open", no_open)
    errors: list[IngestError] = []
    assert list(iter_documents([huge], on_error=errors.append)) == []
    assert isinstance(errors[0], DropDocument) and "200.0 MB" in errors[0].reason


def test_max_bytes_option(write) -> None:
    path = write("a.txt", REPORT)
    with pytest.raises(DropDocument, match="over the 10 bytes limit"):
        list(iter_documents([path], max_bytes=10))
    with pytest.raises(ConfigError):
        iter_documents([path], max_bytes=0)


def test_a_single_path_is_one_input(write) -> None:
    path = write("a.txt", REPORT)
    assert [d.source for d in iter_documents(str(path))] == [str(path)]


def test_default_handler_raises(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="No such file or directory"):
        list(iter_documents([tmp_path / "nope.txt"]))


def test_directory_is_walked_sorted_skipping_hidden_and_other_files(tmp_path: Path,
                                                                   write) -> None:
    for name in ("b.txt", "a.md", "sub/c.txt", "sub/d", ".hidden.txt", ".git/e.txt",
                 "photo.png", "notes.pdf"):
        write(name, REPORT)
    docs = list(iter_documents([tmp_path]))
    rel = [os.path.relpath(d.source, tmp_path) for d in docs]
    assert rel == ["a.md", "b.txt", os.path.join("sub", "c.txt"), os.path.join("sub", "d")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their mode")
def test_permission_error_names_the_file(write) -> None:
    path = write("locked.txt", REPORT)
    path.chmod(0)
    errors: list[IngestError] = []
    assert list(iter_documents([path], on_error=errors.append)) == []
    assert errors[0].source == str(path) and errors[0].reason == "Permission denied"


def test_stdin(monkeypatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(REPORT.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    (doc,) = iter_documents(["-"])
    assert (doc.source, doc.published, doc.outlet) == ("<stdin>", "2024-03-05", "Example Front")


def test_options_override_metadata(write) -> None:
    path = write("a.txt", "Officials said two soldiers were wounded.\n")
    (doc,) = iter_documents([path], published="5 March 2024", outlet="Given")
    assert (doc.published, doc.date_source, doc.outlet) == ("2024-03-05", "option", "Given")
    assert NO_DATE_WARNING not in doc.warnings
    (doc,) = iter_documents([path])
    assert doc.published is None and NO_DATE_WARNING in doc.warnings
    with pytest.raises(ConfigError):
        iter_documents([path], published="someday")


def test_markup_only_file_is_dropped(write) -> None:
    path = write("only.md", "---\n\n<https://example.org/a>\n")
    with pytest.raises(DropDocument, match="no article text"):
        list(iter_documents([path]))


@pytest.mark.parametrize(("name", "text", "fmt"), [
    ("a.txt", "<html><body>x</body></html>", "plain"),
    ("a", "# Heading", "plain"),
    ("a.NDJSON", "{}", "jsonl"),
    ("a.tsv", "a\tb", "tsv"),
    (None, "  <!DOCTYPE html><html>", "html"),
    (None, '[{"text": "x"}]', "json"),
    (None, '{"text": "x"}\n{"text": "y"}', "jsonl"),
    (None, '{\n  "text": "x"\n}', "json"),
    ("a.dat", "<https://example.org>\n\nText.", "plain"),
])
def test_detect_format(name: str | None, text: str, fmt: str) -> None:
    assert detect_format(name, text) == fmt


def test_read_text() -> None:
    doc = read_text(REPORT)
    assert (doc.source, doc.published, len(doc.text)) == ("<text>", "2024-03-05", len(REPORT))
    with pytest.raises(DropDocument):
        read_text("   ")


def test_public_api() -> None:
    assert ingest.__all__ == sorted(ingest.__all__)
    for name in ("iter_documents", "read_text", "parse_date", "find_dateline"):
        assert name in ingest.__all__
    assert all(hasattr(ingest, name) for name in ingest.__all__)
