"""The command line, as a user runs it (CliRunner)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimledger.cli import cli

REPORT = """ date 2024-03-04 The army said on Sunday that three soldiers were killed in fighting near Khan Younis.

Hamas said its fighters destroyed 12 military vehicles over the past week.

Source @Example Wire
"""


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    p = tmp_path / "report.txt"
    p.write_text(REPORT, encoding="utf-8")
    return p


def test_extract_json_one_document(report: Path) -> None:
    res = run("extract", str(report))
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"doc_id", "source", "title", "outlet", "url", "published", "language", "claims"}
    assert doc["published"] == "2024-03-04" and doc["outlet"] == "Example Wire"
    by_cat = {c["category"]: c for c in doc["claims"]}
    killed = by_cat["killed"]
    assert (killed["value"], killed["modality"], killed["period_start"]) == (3, "acknowledged", "2024-03-03")
    ev = killed["evidence"][0]
    assert REPORT[ev["start"]:ev["end"]] == ev["text"]
    assert by_cat["equipment_destroyed"]["value"] == 12


def test_extract_several_documents_gives_a_list(report: Path, tmp_path: Path) -> None:
    other = tmp_path / "sub" / "b.txt"
    other.parent.mkdir()
    other.write_text("Published: 2024-05-01\n\nThe ministry said 40 people were wounded on Tuesday.\n")
    res = run("extract", str(tmp_path))
    assert res.exit_code == 0
    assert isinstance(json.loads(res.stdout), list) and len(json.loads(res.stdout)) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_other_formats(report: Path, fmt: str) -> None:
    res = run("extract", str(report), "--format", fmt)
    assert res.exit_code == 0
    if fmt == "jsonl":
        rows = [json.loads(line) for line in res.stdout.splitlines()]
        assert {r["category"] for r in rows} >= {"killed", "equipment_destroyed"}
    elif fmt == "csv":
        assert res.stdout.splitlines()[0].startswith("doc_id,source,claimant,claimant_party")
    else:
        assert "killed" in res.stdout


def test_stdin_with_date_and_outlet() -> None:
    res = run("extract", "-", "--date", "2024-02-01", "--outlet", "Example Wire",
              input="Ukraine's air force said it shot down 20 of 25 drones overnight.")
    doc = json.loads(res.stdout)
    assert doc["published"] == "2024-02-01"
    assert any(c["category"] == "aircraft_downed" and c["value"] == 20 for c in doc["claims"])


def test_bad_inputs_are_reported_and_the_rest_goes_on(report: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9 \xff\xfe soldiers")
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    (tmp_path / "feed.jsonl").write_text('{"text": "The army said 4 soldiers were wounded."}\n{broken\n')
    res = CliRunner().invoke(cli, ["extract", str(tmp_path), "--format", "jsonl"])
    assert res.exit_code == 1
    err = res.stderr
    for name in ("empty.txt", "binary.txt", "latin.txt", "big.txt", "feed.jsonl:2"):
        assert name in err, err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "skipped" in line]) == 5
    assert any(json.loads(line)["value"] == 3 for line in res.stdout.splitlines())
    assert any(json.loads(line)["value"] == 4 for line in res.stdout.splitlines())


def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    res = CliRunner().invoke(cli, ["extract", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert "missing.txt" in res.stderr and "empty.txt" in res.stderr


def test_bad_registry_is_a_clear_error(report: Path, tmp_path: Path) -> None:
    bad = tmp_path / "reg.yaml"
    bad.write_text("parties: [ {aliases: [x]} ]\n")
    res = CliRunner().invoke(cli, ["extract", str(report), "--registry", str(bad)])
    assert res.exit_code != 0 and "name" in res.output + res.stderr and "Traceback" not in res.output


def test_user_registry_adds_a_spokesman(tmp_path: Path) -> None:
    text = "Published: 2024-03-04\n\nColonel Example Spokesman said 14 enemy tanks were destroyed on Sunday.\n"
    (tmp_path / "r.txt").write_text(text)
    reg = tmp_path / "reg.yaml"
    reg.write_text("parties:\n  - name: Ukraine\n    organs:\n      - {name: Colonel Example Spokesman, role: spokesman}\n")
    res = run("extract", str(tmp_path / "r.txt"), "--registry", str(reg))
    claim = json.loads(res.stdout)["claims"][0]
    assert (claim["claimant"], claim["claimant_party"], claim["subject_party"]) == \
        ("Colonel Example Spokesman", "Ukraine", "Russia")


def test_evaluate_agrees_with_the_reference_scorer(shared: Path, tmp_path: Path) -> None:
    pred = tmp_path / "pred"
    res = run("evaluate", "--gold", str(shared / "gold"), "--texts", str(shared / "seeds"), "--json",
              "--predictions", str(pred))
    ours = json.loads(res.stdout)
    ref = subprocess.run([sys.executable, str(shared / "tools" / "score.py"), str(shared / "gold"), str(pred),
                          "--json"], capture_output=True, text=True, check=True)
    theirs = json.loads(ref.stdout)
    assert ours["strict"] == theirs["strict"] and ours["lenient"] == theirs["lenient"]
    assert ours["attributes"] == theirs["attributes"]


def test_every_command_has_help_and_is_documented() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for name, cmd in cli.commands.items():
        assert cmd.help, name
        assert f"claimledger {name}" in readme, name
        assert run(name, "--help").exit_code == 0
