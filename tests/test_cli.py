"""The command line as a user types it: help, exit codes, one-line errors, JSON keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cardscan.cli import cli, main
from cardscan.model import CONTACT_KEYS
from tests.conftest import SAMPLES

COMMANDS = ("scan", "import", "export", "eval")


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cardscan", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=300,
    )


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"  {command} " in out


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: cardscan {command}")
    assert "Example" in out, f"cardscan {command} --help shows no example"


def test_missing_file_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "missing.jpg"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["cardscan: error: missing.jpg: no such file"]


def test_bad_usage_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "a.jpg", "--format", "xml"]) == 1
    assert "--format" in capsys.readouterr().err
    assert main(["nonsense"]) == 1


def test_unknown_region_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path / "x.jpg"), "--region", "XX"]) == 1
    assert "--region" in capsys.readouterr().err


def test_not_an_image_exits_2_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "notes.png"
    fake.write_text("this is text, not a picture")
    assert main(["scan", str(fake)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(fake) in err[0] and "not an image" in err[0]


def _first_sample(quality: str = "scan") -> tuple[Path, dict]:
    for truth_file in sorted((SAMPLES / "truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        if truth.get("quality") == quality and truth.get("emails") and truth.get("phones"):
            return SAMPLES / truth["image"], truth
    pytest.fail(f"no {quality} sample with an email and a phone in {SAMPLES}")


def test_tesseract_absent_exits_3_with_install_hint(tmp_path: Path) -> None:
    photo, _ = _first_sample()
    env = {**os.environ, "PATH": str(tmp_path)}  # a PATH that hides tesseract
    result = run_cli("scan", str(photo), env=env)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Tesseract is not installed" in lines[0]
    for hint in ("apt-get install", "brew install", "winget install"):
        assert hint in lines[0]
    assert result.stdout == ""


@pytest.mark.tesseract
def test_scan_prints_every_contract_key_and_reads_email_and_phone() -> None:
    photo, truth = _first_sample()
    result = run_cli("scan", str(photo), "--format", "json")
    assert result.returncode == 0, result.stderr
    contact = json.loads(result.stdout)
    assert set(contact) == set(CONTACT_KEYS)
    assert truth["emails"][0] in contact["emails"]
    assert truth["phones"][0]["number"] in [p["number"] for p in contact["phones"]]
    assert contact["images"]["front"] == str(photo)
