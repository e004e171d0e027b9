"""Leptonica's and libtesseract's own warnings ("Error in pixScanForForeground: invalid box")
are written straight to file descriptor 2; they must not reach a person running `cardscan scan`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardscan import image
from cardscan.model import Card
from cardscan.ocr import get_engine
from cardscan.options import Options
from cardscan.pipeline import read_card_result


@pytest.mark.tesseract
def test_native_warnings_stay_off_stderr(samples_dir: Path, capfd: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARDSCAN_DEBUG", raising=False)
    # These cards make Leptonica complain during Tesseract's OSD and layout analysis.
    for stem in ("card-025", "card-026"):
        contact = read_card_result(Card(samples_dir / f"{stem}.jpg"), Options()).contact
        assert contact is not None and contact.emails
    assert "Error in" not in capfd.readouterr().err


@pytest.mark.tesseract
def test_cardscan_debug_lets_them_through(samples_dir: Path, capfd: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDSCAN_DEBUG", "1")
    # The whole card, as one page: the pipeline reads this two-column card column by column,
    # where the layout analysis has nothing to complain of.
    card = image.prepare(image.decode(image.load_bytes(samples_dir / "card-025.jpg"), "card-025"))
    get_engine(Options()).read(card.image, Options())
    assert "Error in" in capfd.readouterr().err
