"""Shared fixtures: paths to the project's own articles and to ../shared (optional)."""
from __future__ import annotations

from pathlib import Path

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
