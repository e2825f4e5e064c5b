"""Inputs that used to hang, crash or mislead: special files, bad encodings, lone surrogates, limits."""
from __future__ import annotations

import json
import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from claimledger.errors import IngestError
from claimledger.ingest import iter_documents
from claimledger.ingest import readers
from claimledger.ingest.limits import MB, limit_text
from claimledger.models import Document, content_id

REPORT = "The army said 3 soldiers were killed on Sunday."


def _read(*paths: Path | str, **kw: object) -> tuple[list[Document], list[IngestError]]:
    errors: list[IngestError] = []
    docs = list(iter_documents([str(p) for p in paths], on_error=errors.append, **kw))  # type: ignore[arg-type]
    return docs, errors


def _within(seconds: float, fn):  # type: ignore[no-untyped-def]
    """fn's result (or its exception), failing instead of hanging the suite when it blocks."""
    box: list[tuple[bool, object]] = []

    def run() -> None:
        try:
            box.append((True, fn()))
        except BaseException as exc:  # noqa: BLE001  handed to the test's thread
            box.append((False, exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert box, f"still blocked after {seconds} s"
    ok, value = box[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_by_type_and_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text(REPORT)
    os.mkfifo(folder / "pipe.txt")                      # nobody ever writes: opening it would block
    os.mkfifo(tmp_path / "given.jsonl")
    docs, errors = _within(20, lambda: _read(folder, tmp_path / "given.jsonl"))
    assert [d.source for d in docs] == [str(folder / "report.txt")]
    assert {(e.source, e.reason) for e in errors} == {
        (str(folder / "pipe.txt"), "a named pipe (FIFO), not a report file: not read"),
        (str(tmp_path / "given.jsonl"), "a named pipe (FIFO), not a report file: not read")}


def test_devices_and_sockets_are_refused_by_type(tmp_path: Path) -> None:
    inputs: list[str] = []
    if Path("/dev/zero").exists():
        inputs.append("/dev/zero")                      # endless: reading it would never finish
    if hasattr(socket, "AF_UNIX"):
        path = tmp_path / "s.txt"
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
            inputs.append(str(path))
            docs, errors = _within(20, lambda: _read(*inputs))
    else:
        docs, errors = _within(20, lambda: _read(*inputs))
    assert docs == []
    kinds = {e.source: e.reason for e in errors}
    if "/dev/zero" in kinds:
        assert kinds["/dev/zero"] == "a character device, not a report file: not read"
    if sys.platform != "win32":
        assert kinds[str(tmp_path / "s.txt")] == "a socket, not a report file: not read"


def test_a_file_swapped_for_a_fifo_after_the_check_does_not_block(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(IngestError, match="named pipe"):
        _within(20, lambda: readers._open_report(str(tmp_path / "late.txt")))


def test_text_that_is_not_utf8_is_read_with_a_warning_naming_the_guess(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    text = ("Le porte-parole de l'armée a déclaré dimanche que douze soldats ont été tués près de la frontière. "
            "Selon le ministère, les frappes ont été répétées pendant la journée. ") * 3
    path.write_bytes(text.encode("latin-1"))
    (doc,), errors = _read(path)
    assert errors == []
    warning = doc.warnings[0]
    assert warning.startswith("not valid UTF-8 (byte 0xe9 at offset ")
    guessed = warning.split("read as ")[1].split(",")[0]
    assert guessed and guessed != "utf_8"                # the encoding is named: the user can judge
    assert "douze soldats" in doc.text                   # read, not dropped


def test_lone_surrogates_are_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    records = [{"text": "The ministry said 4 people were killed \ud800 on Monday \udfff.", "title": "Toll \ud83d"},
               {"text": REPORT}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")   # json escapes them: legal JSON
    docs, errors = _read(path)
    assert errors == []
    first, second = docs
    assert "\ufffd" in first.text and first.title == "Toll \ufffd"
    assert len(first.text) == len(records[0]["text"])                   # offsets still point into the input
    assert first.doc_id == content_id(first.text)
    assert any(w.startswith("3 lone surrogates") for w in first.warnings)
    assert not any("surrogate" in w for w in second.warnings)
    again, _ = _read(path)
    assert [d.doc_id for d in again] == [d.doc_id for d in docs]        # a rerun finds the same documents


def test_a_reader_that_fails_unexpectedly_costs_only_its_input(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(REPORT)
    bad.write_text(REPORT + " Again.")
    real = readers.parse_plain

    def parse(raw: str, **kw: object) -> Document:
        if kw["source"] == str(bad):
            raise RecursionError("deep trouble")
        return real(raw, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(readers, "parse_plain", parse)
    docs, errors = _read(bad, good)
    assert [d.source for d in docs] == [str(good)]
    assert [(e.source, e.reason) for e in errors] == [(str(bad), "reading stopped: RecursionError: deep trouble")]


def test_limits_are_printed_in_the_units_the_readme_uses(tmp_path: Path) -> None:
    assert limit_text(50_000_000) == "50 MB"
    assert limit_text(100_000) == "100 kB" and limit_text(4096) == "4096 bytes"
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(60 * MB)                        # sparse: costs no disk
    _, (error,) = _read(huge)
    assert error.reason == "file is 60.0 MB, over the 50 MB limit (--max-bytes)"
