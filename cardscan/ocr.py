"""The only module that talks to Tesseract.

`OcrEngine` is the seam: `PytesseractEngine` runs the `tesseract` command per image,
`TesserocrEngine` keeps libtesseract loaded in-process, `FakeEngine` serves tests of the
pipeline and the CLI. All return an `OcrPage` of words with boxes and confidences.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from typing import Protocol

import numpy as np

from cardscan.errors import (
    TESSERACT_INSTALL_HINT,
    MissingDependencyError,
    OcrEngineError,
    OcrTimeoutError,
    language_install_hint,
)
from cardscan.model import OcrPage, OcrWord
from cardscan.options import Options

# A card is a sparse page of short lines in no particular order: psm 11 ("sparse text")
# finds them all but loses line grouping, psm 3 keeps blocks; eval favours 3 on cards with a
# layout, so it is the default.
DEFAULT_PSM = 3


class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        """Read the words of an 8-bit grayscale or BGR image."""
        ...


def _tesseract_binary() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise MissingDependencyError(f"Tesseract is not installed or not on PATH; {TESSERACT_INSTALL_HINT}")
    return path


@cache
def _languages(binary: str) -> frozenset[str]:
    try:
        out = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrEngineError(f"tesseract --list-langs failed: {exc}") from exc
    return frozenset(
        line.strip() for line in out.stdout.splitlines()[1:] if line.strip()
    ) | frozenset(line.strip() for line in out.stderr.splitlines()[1:] if line.strip() and " " not in line)


def check_languages(lang: str) -> None:
    """Raise MissingDependencyError (exit 3) naming the install command for a missing model."""
    binary = _tesseract_binary()
    have = _languages(binary)
    missing = [part for part in lang.split("+") if part not in have]
    if missing:
        raise MissingDependencyError(
            f"Tesseract language data {'+'.join(missing)!r} is not installed; "
            f"{language_install_hint('+'.join(missing))}"
        )


def _words_from_data(data: dict[str, list], scale: float = 1.0) -> list[OcrWord]:
    words = []
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            OcrWord(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                conf=conf,
                block=int(data["block_num"][i]),
                paragraph=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
            )
        )
    return words


class PytesseractEngine:
    """Tesseract as a subprocess per image, via pytesseract.image_to_data."""

    name = "pytesseract"

    def __init__(self) -> None:
        self.binary = _tesseract_binary()

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = self.binary
        check_languages(options.lang)
        try:
            data = pytesseract.image_to_data(
                image,
                lang=options.lang,
                config=f"--psm {DEFAULT_PSM}",
                output_type=pytesseract.Output.DICT,
                timeout=options.timeout,
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on its time-out
            if "timeout" in str(exc).lower():
                raise OcrTimeoutError(f"Tesseract took longer than {options.timeout:g}s") from exc
            raise OcrEngineError(f"Tesseract failed: {exc}") from exc
        except pytesseract.TesseractNotFoundError as exc:
            raise MissingDependencyError(
                f"Tesseract is not installed or not on PATH; {TESSERACT_INSTALL_HINT}"
            ) from exc
        except pytesseract.TesseractError as exc:
            message = " ".join(str(exc.message).split())[:300]
            raise OcrEngineError(f"Tesseract failed (status {exc.status}): {message}") from exc
        height, width = image.shape[:2]
        return OcrPage(words=_words_from_data(data), width=width, height=height)


class FakeEngine:
    """Returns a fixed page, whatever the image: for tests of the pipeline, CLI and failures."""

    name = "fake"

    def __init__(self, page: OcrPage | None = None, error: Exception | None = None) -> None:
        self.page = page
        self.error = error
        self.calls = 0

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.calls += 1
        if self.error is not None:
            raise self.error
        if self.page is not None:
            return self.page
        height, width = image.shape[:2]
        return OcrPage(words=[], width=width, height=height)


def tessdata_dir() -> str | None:
    """Where the system's Tesseract keeps its models, for engines that load them themselves."""
    env = os.environ.get("TESSDATA_PREFIX")
    if env:
        return env
    for candidate in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                      "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata"):
        if os.path.isdir(candidate):
            return candidate
    return None


_ENGINES: dict[str, OcrEngine] = {}


def get_engine(options: Options) -> OcrEngine:
    """The engine `options.engine` names; one per process, reused between cards."""
    name = options.engine
    if name == "auto":
        name = "pytesseract"
    if name not in _ENGINES:
        if name == "pytesseract":
            _ENGINES[name] = PytesseractEngine()
        else:
            raise MissingDependencyError(f"unknown OCR engine {name!r}")
    return _ENGINES[name]
