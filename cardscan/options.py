"""One options object handed to every stage (OCRmyPDF's OcrOptions habit)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANG = "Latin"


@dataclass(frozen=True)
class Options:
    lang: str = DEFAULT_LANG
    engine: str = "auto"  # auto | pytesseract | tesserocr | fake
    region: str | None = None  # default country for numbers without +CC; None = infer per card
    timeout: float = 60.0  # seconds per card side before the OCR is abandoned
    debug_dir: Path | None = None
    event: str | None = None
    follow_up_days: int = 3
