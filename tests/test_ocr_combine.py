"""combine_readings: two readings of one card image (deblurred, and as photographed) are combined
place by place, each from the reading Tesseract is surer of there."""

from __future__ import annotations

import pytest

from cardscan.model import OcrPage, OcrWord, group_lines
from cardscan.ocr import combine_readings, surety, word_confidence


def word(text: str, left: int, top: int, conf: float, block: int = 1, line: int = 1) -> OcrWord:
    return OcrWord(text, left, top, 18 * len(text), 30, conf, block=block, paragraph=1, line=line)


def texts(words: list[OcrWord]) -> list[str]:
    return [line.text for line in group_lines(words)]


# The deblurred card: the name restored, the small print of the e-mail line rung into a misread.
NAME = [word("Jane", 40, 40, 96), word("Schmidt", 140, 40, 95)]
TITLE = [word("Head", 40, 100, 95, line=2), word("of", 140, 100, 94, line=2),
         word("People", 200, 100, 96, line=2)]
EMAIL_RUNG = [word("jane@schrnidt.de", 40, 160, 31, line=3)]
DEBLURRED = NAME + TITLE + EMAIL_RUNG
# The card as photographed: the e-mail read well, the name with a lookalike accent it doubts.
NAME_ACCENTED = [word("Jane", 40, 41, 95), word("Schmìdt", 140, 41, 40)]
TITLE_AGAIN = [word("Head", 40, 101, 94, line=2), word("of", 140, 101, 95, line=2),
               word("People", 200, 101, 95, line=2)]
EMAIL = [word("jane@schmidt.de", 40, 161, 90, line=3)]
PLAIN = NAME_ACCENTED + TITLE_AGAIN + EMAIL


def test_each_line_comes_from_the_reading_surer_of_it() -> None:
    combined = combine_readings(DEBLURRED, PLAIN)
    assert texts(combined) == ["Jane Schmidt", "Head of People", "jane@schmidt.de"]
    assert all(w in combined for w in NAME + TITLE)  # the first reading's lines as they were
    # the line taken from the second reading has the numbering of the line it replaces
    email = [w for w in combined if "@" in w.text]
    assert [(w.block, w.paragraph, w.line) for w in email] == [(1, 1, 3)]
    assert OcrPage(combined, 1000, 600).text.splitlines() == texts(combined)  # in reading order


def test_the_order_of_the_readings_decides_only_ties() -> None:
    assert texts(combine_readings(PLAIN, DEBLURRED)) == texts(combine_readings(DEBLURRED, PLAIN))


def test_a_second_reading_a_little_surer_leaves_the_line_to_the_first() -> None:
    first = [word("Springfield", 40, 40, 80)]
    second = [word("Sprlngfield", 40, 40, 86)]  # within the jitter of one print's confidences
    assert combine_readings(first, second) == first


def test_a_line_one_reading_joined_and_the_other_split_is_decided_as_a_whole() -> None:
    # the first reading ran a name and the phone number beside it into one unsure line
    joined = [word("Jane", 40, 40, 50), word("Doe", 140, 40, 45), word("T", 500, 40, 30),
              word("0l23", 540, 40, 20)]
    split = [word("Jane", 40, 40, 95, block=1), word("Doe", 140, 40, 94, block=1),
             word("T", 500, 42, 92, block=2), word("0123", 540, 42, 93, block=2)]
    combined = combine_readings(joined, split)
    assert sorted(texts(combined)) == ["Jane Doe", "T 0123"]
    assert len({w.block for w in combined}) == 2  # still two lines, in blocks of their own
    assert combine_readings(split, joined) == split


def test_a_place_only_one_reading_found_text_in_is_kept() -> None:
    assert texts(combine_readings(NAME, NAME_ACCENTED + EMAIL)) == ["Jane Schmidt", "jane@schmidt.de"]
    assert texts(combine_readings(NAME + EMAIL, NAME_ACCENTED)) == ["Jane Schmidt", "jane@schmidt.de"]
    assert combine_readings([], []) == []


def test_neighbouring_lines_that_touch_are_different_places() -> None:
    above = [word("Springfield", 40, 40, 95)]
    below_unsure = [word("Sprlngfleld", 40, 66, 30, line=2)]  # its box reaches 4 px into the line above
    below_sure = [word("Springfield", 40, 68, 95)]
    combined = combine_readings(above + below_unsure, below_sure)
    assert texts(combined) == ["Springfield", "Springfield"] and above[0] in combined


@pytest.mark.parametrize(("words", "confidence", "sure"), [
    # eleven confident letters, at the mean confidence of all thirteen
    ([word("Springfield", 0, 0, 90), word("IL", 300, 0, 30)], 1050 / 13, 11 * 1050 / 13 / 100),
    ([word("x", 0, 0, 40)], 40.0, 0.0),  # nothing read with confidence
    ([], 0.0, 0.0),
])
def test_surety_weighs_the_confident_letters_by_the_mean_confidence(
    words: list[OcrWord], confidence: float, sure: float,
) -> None:
    assert word_confidence(words) == pytest.approx(confidence)
    assert surety(words) == pytest.approx(sure)
