"""The OCR engines: the same words and lines from both, OSD, missing models, time-outs."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cardscan import ocr
from cardscan.errors import ExitCode, MissingDependencyError, OcrEngineError
from cardscan.options import Options

LINES = ["Müller & Čolić GmbH", "Straße 12, Mármol", "jane@example.org"]


def text_card() -> np.ndarray:
    """Dark text on white at about Tesseract's favourite x-height, drawn with PIL for diacritics."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("L", (1100, 330), 255)
    draw = ImageDraw.Draw(im)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 44)
    except OSError:  # pragma: no cover - no DejaVu on this machine
        font = ImageFont.load_default(size=44)
    for i, line in enumerate(LINES):
        draw.text((40, 30 + i * 95), line, fill=0, font=font)
    return np.asarray(im).copy()


def test_fake_engine_has_no_opinion_on_orientation() -> None:
    assert ocr.FakeEngine().orientation(text_card(), Options()) is None


def test_unknown_engine_is_exit_3() -> None:
    with pytest.raises(MissingDependencyError):
        ocr.get_engine(Options(engine="abbyy"))


def test_missing_language_names_the_install_command() -> None:
    pytest.importorskip("pytesseract")
    with pytest.raises(MissingDependencyError) as info:
        ocr.check_languages("Latin+zzz")
    assert info.value.exit_code == ExitCode.MISSING_DEPENDENCY
    message = str(info.value)
    assert "'zzz'" in message and "apt-get install -y tesseract-ocr-zzz" in message


def test_missing_tesseract_binary_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError, match="install"):
        ocr.PytesseractEngine()


@pytest.mark.tesseract
def test_missing_script_model_hint() -> None:
    with pytest.raises(MissingDependencyError, match="tesseract-ocr-script-cyri"):
        ocr.check_languages("Cyrillic")


@pytest.mark.tesseract
def test_pytesseract_reads_diacritics_with_latin() -> None:
    page = ocr.PytesseractEngine().read(text_card(), Options(lang="Latin"))
    text = page.text
    assert "Müller" in text and "Straße" in text and "jane@example.org" in text
    assert len(page.lines) == 3


@pytest.mark.tesseract
def test_pytesseract_missing_language_fails_before_running() -> None:
    with pytest.raises(MissingDependencyError):
        ocr.PytesseractEngine().read(text_card(), Options(lang="zzz"))


@pytest.mark.tesseract
def test_pytesseract_timeout_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    def slow(*args: object, **kwargs: object) -> None:
        assert kwargs["timeout"] == 7.0
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr(pytesseract, "image_to_data", slow)
    with pytest.raises(OcrEngineError, match="longer than 7s"):
        ocr.PytesseractEngine().read(text_card(), Options(timeout=7.0))


@pytest.mark.tesseract
def test_tesserocr_gives_the_same_words_and_lines_as_pytesseract() -> None:
    pytest.importorskip("tesserocr")
    image = text_card()
    options = Options(lang="Latin")
    by_cli = ocr.PytesseractEngine().read(image, options)
    in_process = ocr.TesserocrEngine().read(image, options)
    assert [line.text for line in in_process.lines] == [line.text for line in by_cli.lines]
    for a, b in zip(in_process.words, by_cli.words, strict=True):
        assert (a.block, a.paragraph, a.line) == (b.block, b.paragraph, b.line)
        assert abs(a.left - b.left) <= 3 and abs(a.top - b.top) <= 3
        assert 0 <= a.conf <= 100


@pytest.mark.tesseract
def test_tesserocr_missing_language_is_exit_3() -> None:
    pytest.importorskip("tesserocr")
    with pytest.raises(MissingDependencyError, match="tesseract-ocr-zzz"):
        ocr.TesserocrEngine().read(text_card(), Options(lang="zzz"))


@pytest.mark.tesseract
def test_auto_prefers_tesserocr_when_the_model_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tesserocr")
    monkeypatch.setattr(ocr, "_ENGINES", {})
    assert ocr.get_engine(Options(engine="auto", lang="Latin")).name == "tesserocr"
    assert ocr.get_engine(Options(engine="pytesseract")).name == "pytesseract"
    monkeypatch.setattr(ocr, "_ENGINES", {})
    assert ocr.get_engine(Options(engine="auto", lang="zzz")).name == "pytesseract"


@pytest.mark.tesseract
@pytest.mark.parametrize("engine_name", ["pytesseract", "tesserocr"])
def test_osd_says_how_the_text_is_turned(engine_name: str) -> None:
    if engine_name == "tesserocr":
        pytest.importorskip("tesserocr")
    engine = ocr.PytesseractEngine() if engine_name == "pytesseract" else ocr.TesserocrEngine()
    card = np.vstack([text_card()] * 3)  # OSD wants a few lines
    options = Options()
    assert engine.orientation(card, options) in (0, None)
    assert engine.orientation(cv2.rotate(card, cv2.ROTATE_90_CLOCKWISE), options) in (90, None)
    assert engine.orientation(cv2.rotate(card, cv2.ROTATE_180), options) in (180, None)
    # ... and at least the in-process engine is sure of the quarter turn
    if engine_name == "tesserocr":
        assert engine.orientation(cv2.rotate(card, cv2.ROTATE_90_COUNTERCLOCKWISE), options) == 270
    # a blank card: too few characters, no opinion rather than a guess
    assert engine.orientation(np.full((300, 500), 255, np.uint8), options) is None
