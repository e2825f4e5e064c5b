"""Fixtures for the web app and report tests: one ledger built per session (the seeds when
present, the examples, a few of our articles, a hostile report, small reference series), copied
for tests that write, and a real uvicorn server on 127.0.0.1 in a thread."""
from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from claimledger import Claim, Document, Evidence, ExtractionResult, extract_documents, iter_documents
from claimledger.store import open_ledger

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
ARTICLES = ROOT / "tests" / "data" / "articles"
#: A few of our own articles: wire reports, a running total, several sides.
ARTICLE_NAMES = ("a01_idf_rafah_weekly.txt", "a03_gaza_health_toll_wire.txt", "b01_general_staff_daily_losses.txt",
                 "b07_oryx_tank_losses.txt", "c05_drc_goma_death_toll.txt", "d03_ukraine_overnight_drones.txt")

# Report text is untrusted: these must never run in a page or the report.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
SVG = '"><svg onload="window.__pwned=3">'
CLOSE = "</script><script>window.__pwned=5</script>"
HOSTILE_URL = "javascript:window.__pwned=4"
HOSTILE_CLAIMANT = f"{IMG} Brigades"

# Own figures, in the shapes of the General Staff's JSON and Oryx's CSV.
STAFF_ROWS = [{"date": f"2024-03-0{d}", "day": 736 + d, "tank": 6500 + 12 * d, "APC": 12400 + 20 * d}
              for d in range(1, 6)]
ORYX_CSV = "country,equipment_type,destroyed,abandoned,captured,damaged,type_total,date_recorded\n" + "".join(
    f"Russia,Tanks,{2000 + 4 * d},300,500,200,{3000 + 4 * d},2024-03-0{d}\n" for d in (1, 3, 5))


def hostile_result() -> ExtractionResult:
    """A report full of markup in its title, outlet, URL, text and claim fields."""
    first = f"On Wednesday the {IMG} Brigades said they killed 12 soldiers near {SVG}."
    second = f"By Friday the {IMG} Brigades said 15 soldiers had been killed since January 1."
    text = f"{SCRIPT} Statement.\n\n{first}\n\n{second}\n\n{CLOSE}\n"
    doc = Document(text=text, title=f"{SCRIPT} {IMG} title", outlet=f"{SVG} outlet", url=HOSTILE_URL,
                   published="2024-01-12", source="hostile.txt")

    def claim(sentence: str, value: int, day: str, kind: str) -> Claim:
        start = text.index(sentence)
        return Claim(claimant=HOSTILE_CLAIMANT, claimant_party=SCRIPT, modality="claimed", category="killed",
                     value=value, qualifier="exact", subject=SVG, subject_party="civilians", period_kind=kind,
                     period_start="2024-01-01" if kind == "cumulative" else day, period_end=day, location=CLOSE,
                     evidence=(Evidence(text=sentence, start=start, end=start + len(sentence)),),
                     confidence=0.9, notes=IMG)

    return ExtractionResult(document=doc, claims=(claim(first, 12, "2024-01-10", "cumulative"),
                                                  claim(second, 15, "2024-01-12", "cumulative")))


def _series_results(folder: Path) -> list[ExtractionResult]:
    try:
        from claimledger.ingest.series import read_series
    except ImportError:
        return []
    staff, oryx = folder / "staff.json", folder / "oryx.csv"
    staff.write_text(json.dumps(STAFF_ROWS), encoding="utf-8")
    oryx.write_text(ORYX_CSV, encoding="utf-8")
    return [*read_series(staff), *read_series(oryx)]


@pytest.fixture(scope="session")
def ledger_results(tmp_path_factory: pytest.TempPathFactory) -> list[ExtractionResult]:
    """What the test ledgers hold: extracted reports, the hostile one, the reference series."""
    folder = tmp_path_factory.mktemp("serve-inputs")
    reports = ROOT / "examples" / "reports"  # examples/series holds reference series, not reports
    inputs = [str(reports if reports.is_dir() else ROOT / "examples"), *(str(ARTICLES / n) for n in ARTICLE_NAMES)]
    if (SHARED / "seeds").is_dir():
        inputs.insert(0, str(SHARED / "seeds"))
    skipped: list[Any] = []
    docs = iter_documents(inputs, on_error=skipped.append)
    results = [*extract_documents(docs), hostile_result(), *_series_results(folder)]
    assert not skipped, skipped
    return results


@pytest.fixture(scope="session")
def built_ledger(ledger_results: list[ExtractionResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's ledger file (do not write to it: copy it with ``ledger_copy``)."""
    path = tmp_path_factory.mktemp("serve-ledger") / "ledger.db"
    with open_ledger(path) as ledger:
        ledger.add_results(ledger_results)
    return path


@pytest.fixture
def ledger_copy(built_ledger: Path, tmp_path: Path) -> Path:
    """A private copy of the session's ledger, for a test that writes."""
    path = tmp_path / "ledger.db"
    shutil.copyfile(built_ledger, path)
    return path


@pytest.fixture(scope="session")
def hostile_ids(built_ledger: Path) -> dict[str, Any]:
    """The hostile report's document id and claim ids."""
    doc_id = hostile_result().document.doc_id
    with open_ledger(built_ledger) as ledger:
        claims = ledger.claims(document_id=doc_id)
    return {"document_id": doc_id, "claim_ids": [c["claim_id"] for c in claims]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


Serve = Callable[..., Any]


@pytest.fixture(scope="session")
def hostile() -> dict[str, str]:
    """The markup planted in the hostile report, by where it went."""
    return {"script": SCRIPT, "img": IMG, "svg": SVG, "close": CLOSE, "url": HOSTILE_URL,
            "claimant": HOSTILE_CLAIMANT, "claimant_party": SCRIPT}


@pytest.fixture(scope="module")
def read_only_site(built_ledger: Path) -> Iterator[str]:
    """Base URL of a read-only server over the session's ledger (shared: it must not change)."""
    from claimledger.serve.app import create_app

    with running(create_app(str(built_ledger), allow_writes=False)) as base:
        yield base


@pytest.fixture
def serve() -> Iterator[Serve]:
    """``serve(db, **create_app options)`` -> base URL of a live server, stopped after the test."""
    from contextlib import ExitStack

    from claimledger.serve.app import create_app

    with ExitStack() as stack:
        yield lambda db, **kw: stack.enter_context(running(create_app(str(db), **kw)))
