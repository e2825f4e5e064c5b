"""Fixtures for the ledger tests: reports written for the project, as documents and as files."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimledger import Document, ExtractionResult, extract_documents, iter_documents

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


@pytest.fixture(scope="session")
def article_results() -> list[ExtractionResult]:
    """The first twelve articles of the project's own test set, extracted once."""
    paths = sorted(str(p) for p in ARTICLES.glob("*.txt"))[:12]
    return list(extract_documents(iter_documents(paths)))


@pytest.fixture(scope="session")
def relay():
    """Make the same report as another outlet carries it."""
    return _relay


def _relay(result: ExtractionResult, *, outlet: str, suffix: str, url: str | None = None) -> ExtractionResult:
    """The same report as another outlet carries it: same claims, a slightly different text."""
    doc = result.document
    text = doc.text + f"\n\n{suffix}"
    copy = Document(text=text, source=f"{doc.source}#{outlet}", title=doc.title, outlet=outlet,
                    url=url, published=doc.published)
    return ExtractionResult(document=copy, claims=result.claims)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """60 report files: 20 articles, each also as two further 'editions' with one more line."""
    out = tmp_path / "corpus"
    out.mkdir()
    paths = sorted(ARTICLES.glob("*.txt"))[:20]
    for i, p in enumerate(paths):
        text = p.read_text(encoding="utf-8")
        for edition in range(3):
            extra = "" if edition == 0 else f"\n\nUpdated edition {edition} of this report.\n"
            (out / f"{i:02d}_{edition}_{p.name}").write_text(text + extra, encoding="utf-8")
    return out
