"""Hand-made OCR pages for parser tests: a card's lines as Tesseract would report them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cardscan.model import OcrPage, OcrWord
from cardscan.options import Options


def page(
    *lines: str | tuple[str, int], doubted: frozenset[str] = frozenset(), width: int = 2000
) -> OcrPage:
    """One left-aligned line per entry, one block each, as a card prints a block of text; a
    (text, height) pair sets that line's glyph height; `doubted` words are read with low
    confidence, the rest well."""
    words = []
    top = 20
    for number, line in enumerate(lines):
        text, height = (line, 30) if isinstance(line, str) else line
        left = 40
        for word in text.split():
            word_width = max(8, len(word) * height // 2)
            conf = 20.0 if word in doubted else 95.0
            words.append(
                OcrWord(word, left, top, word_width, height, conf, block=number + 1, paragraph=1, line=1)
            )
            left += word_width + height // 3
        top += int(height * 1.5)
    return OcrPage(words=words, width=width, height=max(600, top + 20))


class PsmEngine:
    """A fake OCR engine whose words depend only on the page segmentation mode it is asked to
    read with (`words(psm)`); it notes the modes it was asked for, and has no OSD opinion."""

    name = "by-psm"

    def __init__(self, words: Callable[[int], list[OcrWord]]) -> None:
        self.words = words
        self.psms: list[int] = []

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.psms.append(options.psm)
        height, width = image.shape[:2]
        return OcrPage(words=list(self.words(options.psm)), width=width, height=height)

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        return None
