"""The fast path (issue 12): speakers the registry does not know found without a parser, the
opt-in accurate path that asks spaCy instead, and extraction across worker processes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimledger import Extractor, read_text
from claimledger.cli import cli
from claimledger.extract.names import named_speaker_by_rules


def _speaker(sentence: str, verb: str) -> str | None:
    at = sentence.index(verb)
    found = named_speaker_by_rules(sentence, at, at + len(verb))
    return found[0] if found else None


@pytest.mark.parametrize(("sentence", "verb", "name"), [
    ("“We reached 111 bodies,” Mario Ngavho, the president of Goma’s civil society, told EFE.", "told", "Mario Ngavho"),
    ("Ibrahim Miko, the secretary general of the governorate of Tahoua announced that six died.", "announced",
     "Ibrahim Miko"),
    ("Midjiyawa Bakari, governor of the Far North Region, told Anadolu Agency.", "told", "Midjiyawa Bakari"),
    ("But Ngavho said 3 were killed.", "said", "Ngavho"),
    ("“111 bodies,” said Ngavho, who stressed the count was preliminary.", "said", "Ngavho"),
    ("According to Bogner, 5,996 deaths were documented.", "According to", "Bogner"),
    ("Ahmed al-Sharaa also said 40 fighters were killed.", "said", "Ahmed al-Sharaa"),
    ("Ivan Petrov, Governor of Kursk region, said 12 civilians died.", "said", "Ivan Petrov"),
])
def test_a_name_speaks_through_the_verb_next_to_it(sentence, verb, name):
    assert _speaker(sentence, verb) == name


@pytest.mark.parametrize(("sentence", "verb"), [
    ("The rockets hit occupied Jerusalem, according to a statement.", "according to"),  # no name after the verb
    ("Five were killed, the ministry told EFE.", "told"),  # the name after "told" is the listener
    ("It fired rockets towards Jerusalem, confirmed on Friday that it fired two, said 3 officials.", "said"),
    ("Yesterday, said 3 officials.", "said"),
])
def test_no_name_no_speaker(sentence, verb):
    assert _speaker(sentence, verb) is None


def test_a_named_speaker_is_kept_with_the_side_of_the_place_in_the_apposition():
    text = ("GOMA - Rescuers have recovered bodies across the city. “Yesterday and today, we reached about "
            "111 bodies,” Mario Ngavho, the president of Goma’s civil society, told EFE by telephone.")
    claims = Extractor().extract(read_text(text, published="2025-01-30"))
    assert [(c.claimant, c.claimant_party, c.value) for c in claims] == [("Mario Ngavho", "DR Congo", 111)]


def test_the_accurate_path_is_opt_in_on_the_command_line(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("Published: 2025-01-30\n\n“We reached about 111 bodies,” Mario Ngavho, the president of "
                      "Goma’s civil society, told EFE.\n", encoding="utf-8")
    fast = CliRunner().invoke(cli, ["extract", str(report), "--format", "jsonl"])
    accurate = CliRunner().invoke(cli, ["extract", str(report), "--format", "jsonl", "--accurate"])
    assert fast.exit_code == 0 and accurate.exit_code == 0, fast.output + accurate.output
    rows = [json.loads(line) for line in fast.output.splitlines() if line.strip()]
    assert [(r["claimant"], r["value"]) for r in rows] == [("Mario Ngavho", 111)]
    assert accurate.output == fast.output  # spaCy finds the same speaker here


def test_the_default_path_never_loads_the_parser():
    from claimledger.extract import parse

    parse._nlp.cache_clear()
    Extractor().extract(read_text("Five soldiers were killed, Tom Smith said. Ngavho told EFE 3 died.",
                                  published="2024-01-01"))
    assert parse._nlp.cache_info().currsize == 0


def test_extract_with_worker_processes_gives_the_same_output_in_the_same_order(tmp_path):
    from pathlib import Path

    articles = sorted((Path(__file__).resolve().parents[1] / "data" / "articles").glob("*.txt"))[:12]
    for a in articles:
        (tmp_path / a.name).write_text(a.read_text(encoding="utf-8"), encoding="utf-8")
    one = CliRunner().invoke(cli, ["extract", str(tmp_path), "--format", "jsonl"])
    two = CliRunner().invoke(cli, ["extract", str(tmp_path), "--format", "jsonl", "--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert one.output == two.output and one.output.count("\n") > 12
