"""Tesseract failing (absent, crashing, printing garbage, hanging, missing a language), and the
acceptance test: a folder mixing real sample cards with every kind of bad file, read by the real
Tesseract, stores every card and lists every bad file once with its reason (exit 6).

The failing Tesseracts are a fake `tesseract` command first on PATH (`hostile.FAKE_TESSERACT`),
run through `python -m cardscan ... --engine pytesseract` as a user would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import bad_files, install_fake_tesseract, scanner_and_odd_names
from test_batch_fakes import write_photo

from cardscan import ocr
from cardscan.cli import main
from cardscan.cli.importer import one_line
from cardscan.store import Store

ROOT = Path(__file__).resolve().parent.parent


def cardscan(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cardscan", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=timeout,
                          cwd=ROOT)


def failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cardscan: failed: ")]


@pytest.fixture
def fake_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake tesseract first on PATH, in this process (and any worker it forks)."""
    install_fake_tesseract(tmp_path / "bin", sys.executable)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_TESSERACT_STATE", str(tmp_path / "calls.log"))
    monkeypatch.setattr(ocr, "_ENGINES", {})  # engines found on the old PATH are forgotten


@pytest.fixture
def three_cards(tmp_path: Path) -> Path:
    for n in (1, 2, 3):
        write_photo(tmp_path / "in" / f"card-{n}.png", 60 + n)
    return tmp_path / "in"


def stored_emails(db: Path) -> list[str]:
    with Store(db) as store:
        return sorted(e for c in store.contacts() for e in c.emails)


@pytest.mark.parametrize(("mode", "reason"), [
    ("crash", "Tesseract crashed (signal 11): "),
    ("garbage", "Tesseract gave no usable output"),
    ("no-output", "Tesseract gave no usable output"),
])
def test_a_crashing_tesseract_fails_that_card_and_the_batch_goes_on(
    tmp_path: Path, fake_tesseract: None, three_cards: Path, mode: str, reason: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FAKE_TESSERACT_MODE", mode)
    monkeypatch.setenv("FAKE_TESSERACT_BAD", "2")
    db = tmp_path / "cards.db"
    code = main(["import", str(three_cards), "--db", str(db), "--engine", "pytesseract", "--workers", "1",
                 "-q"])
    err = capsys.readouterr().err
    assert code == 6, err
    [line] = failure_lines(err)
    assert line.startswith(f"cardscan: failed: {three_cards / 'card-2.png'}: {reason}"), line
    assert "\x1b" not in err and "\x00" not in err  # the crash's garbage is not echoed raw
    assert stored_emails(db) == ["ada.lovelace@example.com", "grace.hopper@example.com"]


def test_a_tesseract_that_always_crashes_is_exit_4_for_one_card(
    fake_tesseract: None, three_cards: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FAKE_TESSERACT_MODE", "crash")
    monkeypatch.setenv("FAKE_TESSERACT_BAD", "all")
    assert main(["scan", str(three_cards / "card-1.png"), "--engine", "pytesseract"]) == 4
    assert capsys.readouterr().err.startswith("cardscan: error: Tesseract crashed (signal 11)")


def test_a_hanging_tesseract_times_out_and_the_batch_goes_on(
    tmp_path: Path, fake_tesseract: None, three_cards: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FAKE_TESSERACT_MODE", "hang")
    monkeypatch.setenv("FAKE_TESSERACT_BAD", "1")
    db = tmp_path / "cards.db"
    code = main(["import", str(three_cards), "--db", str(db), "--engine", "pytesseract", "--workers", "1",
                 "--timeout", "1", "-q"])
    err = capsys.readouterr().err
    assert code == 6, err
    hung = three_cards / "card-1.png"
    assert failure_lines(err) == [f"cardscan: failed: {hung}: Tesseract took longer than 1s"]
    assert len(stored_emails(db)) == 2


def test_no_tesseract_is_exit_3_with_the_install_hint(
    tmp_path: Path, three_cards: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "nothing").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(ocr, "_ENGINES", {})
    db = str(tmp_path / "c.db")
    for command in (["import", str(three_cards), "--db", db, "-q", "--workers", "1"],
                    ["import", str(three_cards), "--db", db, "-q", "--engine", "pytesseract",
                     "--workers", "2"],
                    ["scan", str(three_cards / "card-1.png")]):
        assert main(command) == 3, command
        err = capsys.readouterr().err
        assert "Tesseract is not installed" in err and "apt-get install -y tesseract-ocr" in err, err


@pytest.mark.tesseract
def test_missing_language_data_is_exit_3_naming_the_package(
    tmp_path: Path, three_cards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.db"
    for engine in ("auto", "pytesseract"):
        assert main(["import", str(three_cards), "--db", str(db), "--lang", "eng+xyz", "--engine", engine,
                     "--workers", "1", "-q"]) == 3
        err = capsys.readouterr().err
        assert "'xyz' is not installed" in err and "apt-get install -y tesseract-ocr-xyz" in err, err
    with Store(db) as store:
        assert store.card_count() == 0


@pytest.mark.tesseract
def test_a_mixed_folder_stores_every_card_and_lists_every_bad_file_once(
    tmp_path: Path, samples_dir: Path
) -> None:
    folder = tmp_path / "Camera Roll"
    cards = [samples_dir / name for name in ("card-002.jpg", "card-005.jpg")]
    assert all(card.exists() for card in cards), "the sample set is missing"
    folder.mkdir()
    for card in cards:
        shutil.copy(card, folder / card.name)
    bad = {str(path): reason for path, reason in bad_files(folder / "junk").items()}
    bad.update(scanner_and_odd_names(folder / "junk", samples_dir / "card-007.jpg"))
    db = tmp_path / "cards.db"

    out = cardscan("import", str(folder), "--db", str(db), "--workers", "2", "-o", str(tmp_path / "out.csv"),
                   timeout=600)

    assert out.returncode == 6, out.stderr
    lines = failure_lines(out.stderr)
    for label, reason in bad.items():
        mine = [line for line in lines if line.startswith(f"cardscan: failed: {one_line(label)}: ")]
        assert len(mine) == 1 and reason in mine[0], (label, lines)
    assert len(lines) == len(bad), lines
    with Store(db) as store:
        fronts = {Path(p["front"]).name for c in store.contacts() for p in store.photos(c.id)}
    assert fronts == {"card-002.jpg", "card-005.jpg", "scanner batch.tif"}
    summary = [line for line in out.stderr.splitlines() if " cards: " in line]
    assert summary and f"{len(bad)} failed" in summary[0]
    assert (tmp_path / "out.csv").exists()
