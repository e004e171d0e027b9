"""The import's exit code says what happened: 6 only when some cards were imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardscan.batch import ImportSummary
from cardscan.cli import main
from cardscan.errors import ExitCode


def test_nothing_imported_is_not_some_cards_failed() -> None:
    summary = ImportSummary(cards=2, failures=[("a.jpg", "x"), ("b.jpg", "y")], failure_codes={4})
    assert summary.exit_code() == ExitCode.OCR_FAILED
    summary.failure_codes = {2, 4}
    assert summary.exit_code() == ExitCode.BAD_INPUT
    summary.new = 1
    assert summary.exit_code() == ExitCode.SOME_CARDS_FAILED
    assert ImportSummary(cards=1, new=1).exit_code() == ExitCode.OK
    assert ImportSummary(cards=1, already=1).exit_code() == ExitCode.OK


def test_a_folder_of_only_broken_photos_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"")
    (folder / "b.png").write_text("not a picture")
    code = main(["import", str(folder), "--db", str(tmp_path / "s.db"), "--quiet", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT, err
    assert f"{folder / 'a.jpg'}: empty file (0 bytes)" in err
    assert f"{folder / 'b.png'}: not an image file" in err
