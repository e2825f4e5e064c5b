"""Shared fixtures for the ingest tests: the seed articles (when present) and writers."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SEEDS = Path("/work/shared/seeds")


@pytest.fixture
def seed() -> Callable[[str], str]:
    """Read a seed article by name prefix; skips when /work/shared is absent."""

    def read(prefix: str) -> str:
        matches = sorted(SEEDS.glob(f"{prefix}*.txt")) if SEEDS.is_dir() else []
        if not matches:
            pytest.skip(f"seed {prefix} not available under {SEEDS}")
        return matches[0].read_text(encoding="utf-8")

    return read


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """Write a file under tmp_path (text as UTF-8) and return its path."""

    def write_file(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return write_file
