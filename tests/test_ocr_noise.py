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


def test_a_logo_mark_read_as_a_letter_or_two_is_dropped() -> None:
    company = [word("Ma", 31, height=152), word("Lehmann", 96, height=53, left=200),
               word("Health", 96, height=53, left=400)]
    mark = [word("Q", 52, height=124, line=2)]
    body = [word(t, 96, height=35, line=3 + i) for i, t in enumerate(("Anna", "Schröder", "Berlin"))]
    assert texts(drop_noise(company + mark + body)) == ["Lehmann", "Health", "Anna", "Schröder", "Berlin"]


def test_big_letters_read_surely_long_words_and_a_number_s_digits_stay() -> None:
    body = [word(t, 96, height=35, line=3 + i) for i, t in enumerate(("Anna", "Schröder", "Berlin"))]
    sure_logo = [word("HP", 95, height=120, line=1)]  # a company's name in big letters
    big_word = [word("ACME", 40, height=120, line=2)]
    # a joined line stretched the box of a phone number's first group
    phone = [word("04", 70, height=90, line=9), word("21", 96, height=30, line=9, left=60),
             word("25", 96, height=30, line=9, left=120)]
    page = sure_logo + big_word + body + phone
    assert drop_noise(page) == page


def test_unsure_letters_along_the_image_edge_are_the_desk_left_in_the_outline() -> None:
    size = (1337, 783)
    sliver = [OcrWord("Di", 0, 66, 1, 19, 16.0, 1, 1, 1), OcrWord("AA", 0, 24, 1, 29, 21.0, 1, 1, 2)]
    bottom = [OcrWord("L", 608, 728, 80, 55, 0.0, 7, 1, 1), OcrWord("a", 817, 728, 128, 55, 36.0, 7, 1, 1)]
    body = [OcrWord("Apexstone", 92, 317, 180, 31, 91.0, 2, 1, 1),
            OcrWord("Corp.", 453, 317, 94, 30, 96.0, 2, 1, 1)]
    assert texts(drop_noise(sliver + body + bottom, size)) == ["Apexstone", "Corp."]
    # with no size given, only the other rules
    assert texts(drop_noise(sliver + body + bottom)) == ["Di", "AA", "Apexstone", "Corp.", "L", "a"]


def test_what_runs_to_the_edge_stays_when_sure_or_a_contact_detail() -> None:
    size = (1000, 600)
    kept = [
        OcrWord("Apexstone", 0, 300, 180, 31, 91.0, 1, 1, 1),  # read surely
        OcrWord("0171", 0, 400, 60, 30, 40.0, 2, 1, 1),  # a phone number's digits, cut by the edge
        OcrWord("jo@ex", 900, 570, 100, 30, 30.0, 3, 1, 1),  # part of an e-mail address
    ]
    assert drop_noise(kept, size) == kept


def test_a_bar_logo_read_as_a_run_of_strokes_is_its_mark() -> None:
    # a bar chart beside the company name, read as "Jil": three times the text's height, unsure
    bars = word("Jil", 64, height=117, left=0)
    company = [word("Schröder", 96, height=42, left=200), word("Systems", 96, height=39, left=400)]
    body = [word("Björn", 96, height=40, line=2), word("Müller", 96, height=40, line=2, left=150)]
    assert texts(drop_noise([bars, *company, *body])) == ["Schröder", "Systems", "Björn", "Müller"]


def test_strokes_at_the_texts_height_or_read_surely_or_long_stay() -> None:
    small = word("Ill", 40, height=40, left=0)  # as tall as the text: a word, not a logo
    sure = word("Jil", 92, height=117, line=2)
    long_run = word("Illlll", 50, height=117, line=3)
    body = [word("Schröder", 96, height=40, left=200), word("Björn", 96, height=40, line=4)]
    page = [small, sure, long_run, *body]
    assert drop_noise(page) == page
