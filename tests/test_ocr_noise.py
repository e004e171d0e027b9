"""drop_noise: what Tesseract read in a background texture or a speck is not text."""

from __future__ import annotations

from cardscan.model import OcrWord
from cardscan.ocr import drop_noise


def word(text: str, conf: float, height: int = 30, line: int = 1, left: int = 0) -> OcrWord:
    return OcrWord(text, left, 100 * line, 20 * len(text), height, conf, block=1, paragraph=1, line=line)


def texts(words: list[OcrWord]) -> list[str]:
    return [w.text for w in words]


def test_a_line_of_short_unsure_letter_groups_is_texture() -> None:
    read = [("SARUN", 17), ("N", 27), ("SI", 28), ("EY", 25), ("IRA", 38), ("a", 19)]
    texture = [word(t, c) for t, c in read]
    name = [word("MARCO", 96, line=2), word("ROMANO", 92, line=2)]
    assert texts(drop_noise(texture + name)) == ["MARCO", "ROMANO"]


def test_unsure_lines_with_digits_longer_words_or_fair_confidence_stay() -> None:
    blurred_phone = [word(t, 20) for t in ("T", "449", "OAI", "B162", "a", "E")]
    blurred_words = [word(t, 20, line=2) for t in ("Mechanical", "Engines", "at", "a", "the")]
    fair = [word(t, 60, line=3) for t in ("Ab", "Cd", "Ef", "Gh", "Ij")]
    few = [word(t, 10, line=4) for t in ("e", "r", "Or")]
    page = blurred_phone + blurred_words + fair + few
    assert drop_noise(page) == page


def test_a_tiny_unsure_word_beside_confident_text_is_a_speck_but_punctuation_stays() -> None:
    line = [word("i", 35, height=6), word("IEIS", 21, height=6), word("Goethestraße", 96, height=33),
            word("152", 96, height=27), word("•", 14, height=8), word("x", 90, height=6)]
    assert texts(drop_noise(line)) == ["Goethestraße", "152", "•", "x"]  # a sure small word stays too


def test_a_line_of_only_unsure_words_keeps_its_specks() -> None:
    line = [word("am", 45, height=22), word("o", 30, height=5)]
    assert drop_noise(line) == line
