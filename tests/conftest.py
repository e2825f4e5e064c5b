"""Shared fixtures: paths to the project's own articles and to ../shared (optional), a fresh
PostgreSQL database, each ledger backend, a headless Chromium and a screenshots directory."""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    return DATA / "articles"


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return DATA / "gold"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def extractor():
    from claimledger import Extractor

    return Extractor()


# --- Real servers: a PostgreSQL database per test, a headless Chromium per session. -------------
# scripts/test.sh starts a throwaway PostgreSQL server and installs Chromium, then exports the
# variables below; without them these fixtures skip and say how to enable them.

PG_ENV = "CLAIMLEDGER_TEST_PG"
CHROMIUM_ENV = "CLAIMLEDGER_CHROMIUM"
CHROMEDRIVER_ENV = "CLAIMLEDGER_CHROMEDRIVER"
ENABLE_HINT = "run `bash scripts/test.sh` (installs and starts it, as root or with sudo)"
ARTIFACTS = ROOT / "tests" / "artifacts"


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty database on the test server, dropped after the test."""
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(f"no PostgreSQL server: set {PG_ENV}=postgresql://... or {ENABLE_HINT}")
    import psycopg
    from psycopg import sql

    name = f"cl_test_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as admin:
            # FORCE: a connection the test forgot to close must not keep the database alive.
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a ledger lives, once per backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("postgres_url")


def _browser_paths() -> tuple[str, str] | None:
    """Chromium and chromedriver from the environment, else Debian's; None when absent."""
    chosen = {name: os.environ.get(name) for name in (CHROMIUM_ENV, CHROMEDRIVER_ENV)}
    for name, path in chosen.items():
        if path and not Path(path).is_file():
            pytest.fail(f"{name}={path}: no such file")
    chromium = chosen[CHROMIUM_ENV] or "/usr/bin/chromium"
    chromedriver = chosen[CHROMEDRIVER_ENV] or "/usr/bin/chromedriver"
    if Path(chromium).is_file() and Path(chromedriver).is_file():
        return chromium, chromedriver
    return None


CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--window-size=1280,900",
)


@pytest.fixture(scope="session")
def chromium_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A selenium WebDriver on headless Chromium, shared by the session's browser tests."""
    paths = _browser_paths()
    if paths is None:
        pytest.skip(f"no Chromium: set {CHROMIUM_ENV} and {CHROMEDRIVER_ENV}, or {ENABLE_HINT}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = paths
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    with pytest.MonkeyPatch.context() as env:
        # The explicit driver path already bypasses Selenium Manager; offline mode makes sure
        # that nothing is ever downloaded should it run anyway.
        env.setenv("SE_OFFLINE", "true")
        env.setenv("SE_AVOID_STATS", "true")
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """tests/artifacts/screenshots (not versioned): where browser tests save what they saw."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
