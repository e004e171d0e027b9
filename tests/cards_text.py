"""Hand-made OCR pages for parser tests: a card's lines as Tesseract would report them."""

from __future__ import annotations

from cardscan.model import OcrPage, OcrWord


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
