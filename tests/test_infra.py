"""The test infrastructure is real: a PostgreSQL server that stores rows, a browser that runs JS."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>infra check</title></head>
<body>
<p id="out">not yet run</p>
<script>
  // The text below only appears if the browser really executes scripts.
  const sum = [1, 2, 3, 4].reduce((a, b) => a + b, 0);
  document.getElementById("out").textContent = "script ran: " + sum;
</script>
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # keep the test output clean


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    """Serves tmp_path on 127.0.0.1 from a thread; yields the base URL."""
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_postgres_stores_and_returns_rows(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE figures (claimant text NOT NULL, value bigint NOT NULL)")
        conn.execute("INSERT INTO figures VALUES (%s, %s), (%s, %s)", ("A", 12, "B", 30))
        conn.commit()
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT claimant, value FROM figures ORDER BY claimant").fetchall()
        database = conn.execute("SELECT current_database()").fetchone()
    assert rows == [("A", 12), ("B", 30)]
    assert database is not None and database[0].startswith("cl_test_")


def test_each_test_gets_an_empty_database(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
    assert tables == (0,)


def test_ledger_url_names_each_backend(ledger_url: str, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["ledger_url"]
    expected = "postgresql://" if backend == "postgres" else "/"
    assert ledger_url.startswith(expected)
    if backend == "sqlite":
        assert ledger_url.endswith(".db") and not Path(ledger_url).exists()


def test_chromium_runs_javascript_and_takes_screenshots(
        chromium_driver: Any, local_site: str, screenshot_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chromium_driver.get(f"{local_site}/index.html")
    WebDriverWait(chromium_driver, 10).until(
        lambda d: d.find_element(By.ID, "out").text != "not yet run")
    assert chromium_driver.find_element(By.ID, "out").text == "script ran: 10"
    assert chromium_driver.title == "infra check"
    shot = screenshot_dir / "infra_check.png"
    shot.unlink(missing_ok=True)
    assert chromium_driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
