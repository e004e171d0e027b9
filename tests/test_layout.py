"""layout.dividers / layout.columns and pipeline.read_columns: a two-column card is read column
by column when a vertical rule divides it."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from cardscan import layout, pipeline
from cardscan.model import OcrLine, OcrPage, OcrWord, group_lines
from cardscan.options import SPARSE_PSM, Options
from tests.cards_text import PsmEngine


def card_with_rule(x: int, top: int = 100, bottom: int = 500, thickness: int = 4) -> np.ndarray:
    card = np.full((600, 1000), 235, np.uint8)
    cv2.putText(card, "Jane Doe", (60, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 30, 3)
    cv2.putText(card, "+1 555 0100", (560, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    cv2.rectangle(card, (x, top), (x + thickness - 1, bottom), 40, -1)
    return card


def test_a_long_thin_rule_inside_the_card_is_a_divider() -> None:
    assert layout.dividers(card_with_rule(500), x_height=22.0) == [(500, 504)]


@pytest.mark.parametrize("degrees", [1.0, -2.0, 2.5])
def test_a_thin_rule_leaning_as_a_photographed_card_leaves_it_is_a_divider(degrees: float) -> None:
    # deskewing by the text lines leaves a photographed card's rule a degree or two off the
    # vertical: 3 px wide, it drifts off any one column within 100 rows
    card = card_with_rule(500, top=100, bottom=100)
    drift = round(400 * np.tan(np.radians(degrees)))
    cv2.line(card, (500, 100), (500 + drift, 500), 40, 3)
    found = layout.dividers(card, x_height=22.0)
    assert len(found) == 1
    left, right = found[0]
    assert min(500, 500 + drift) - 2 <= left < right <= max(500, 500 + drift) + 3


def test_a_rule_leaning_far_is_not_a_divider() -> None:
    card = card_with_rule(500, top=100, bottom=100)
    cv2.line(card, (500, 100), (570, 500), 40, 3)  # 10 degrees: a drawing, not a column rule
    assert layout.dividers(card, x_height=22.0) == []


def test_no_divider_on_a_card_of_text_alone() -> None:
    card = card_with_rule(500, top=300, bottom=310)  # a dash, not a rule
    assert layout.dividers(card, x_height=22.0) == []


def test_a_short_or_thick_or_edge_rule_is_not_a_divider() -> None:
    assert layout.dividers(card_with_rule(500, top=250, bottom=400), 22.0) == []  # a quarter of the card
    assert layout.dividers(card_with_rule(500, thickness=12), 22.0) == []  # a bar, not a rule
    assert layout.dividers(card_with_rule(30), 22.0) == []  # the card's own edge


def test_columns_lie_between_the_dividers_and_skip_slivers() -> None:
    assert layout.columns(1000, [(500, 504)]) == [(0, 497), (507, 1000)]
    assert layout.columns(1000, [(985, 990)]) == [(0, 982)]  # 993..1000 is too narrow


def test_read_columns_reads_each_column_and_shifts_its_words() -> None:
    shapes: list[tuple[int, ...]] = []

    def words(psm: int) -> list[OcrWord]:
        return [OcrWord("word", 10, 20, 40, 20, 95.0, block=1, paragraph=1, line=1),
                OcrWord("next", 10, 60, 40, 20, 95.0, block=2, paragraph=1, line=1)]

    engine = PsmEngine(words)
    original = engine.read

    def read(image: np.ndarray, options: Options):  # type: ignore[no-untyped-def]
        shapes.append(image.shape)
        return original(image, options)

    engine.read = read  # type: ignore[method-assign]
    page = pipeline.read_columns(card_with_rule(500), Options(), engine, 22.0)
    assert shapes == [(600, 497), (600, 493)]
    assert [(w.left, w.block) for w in page.words] == [(10, 1), (10, 2), (517, 3), (517, 4)]
    assert (page.width, page.height) == (1000, 600)


def test_read_columns_reads_a_card_without_divider_once() -> None:
    engine = PsmEngine(lambda psm: [])
    pipeline.read_columns(card_with_rule(500, top=300, bottom=310), Options(), engine, 22.0)
    pipeline.read_columns(card_with_rule(500), Options(psm=SPARSE_PSM), engine, 22.0)
    assert engine.psms == [3, SPARSE_PSM]  # sparse text has no layout to split


def ink(left: int, right: int, baseline: float, x_height: float) -> layout.InkLine:
    return layout.InkLine(left, int(baseline - 1.4 * x_height), right, int(baseline), baseline, x_height)


def ocr_line(*words: OcrWord) -> OcrLine:
    return OcrLine(list(words))


def test_pieces_on_one_baseline_of_one_size_are_one_row() -> None:
    # a big name's two words, the gap between them wide for the card's median letter
    found = layout.rows([ink(100, 300, 400, 40), ink(330, 600, 401, 42)])
    assert [(r.left, r.right) for r in found] == [(100, 600)]


def test_a_name_beside_small_print_lower_down_or_smaller_is_two_rows() -> None:
    # Céline Lefèvre (x-height 42) beside "69001 Lyon" (28), baselines 10 px apart
    assert len(layout.rows([ink(100, 650, 408, 42), ink(724, 930, 417, 28)])) == 2
    # the same baseline, but print of twice the size: a column's line beside a name
    assert len(layout.rows([ink(100, 650, 408, 42), ink(724, 930, 408, 20)])) == 2


def test_joined_rows_of_a_line_that_spans_two_rows() -> None:
    joined = ocr_line(word("Céline", 99, 340, 60), word("s01", 850, 390, 30))
    other = ocr_line(word("192-rue-de-Rivoli", 728, 335, 28))  # its own line, above the small one
    inks = [ink(98, 650, 408, 42), ink(724, 930, 417, 28), ink(726, 1024, 365, 20)]
    found = layout.joined_rows(joined, [joined, other], inks)
    assert [(r.left, r.right) for r in found] == [(98, 650), (724, 930)]


def test_joined_rows_of_a_line_of_one_row_or_of_accents() -> None:
    line = ocr_line(word("Jane", 100, 350, 60), word("Doe", 400, 350, 60))
    assert layout.joined_rows(line, [line], [ink(100, 300, 400, 40), ink(330, 600, 401, 42)]) == []
    # the accents over "BJÖRN ČOLIĆ" group into a short row of specks above it
    accents = layout.InkLine(480, 220, 530, 232, 232, 10)
    assert layout.joined_rows(line, [line], [ink(100, 600, 400, 40), accents]) == []
    umlauts = layout.InkLine(150, 355, 420, 364, 364, 9)  # far apart: a row wide enough
    assert layout.joined_rows(line, [line], [ink(100, 600, 410, 40), umlauts]) == []


def test_row_image_keeps_the_row_and_paints_its_margin_with_the_ground() -> None:
    card = np.full((300, 400), 230, np.uint8)
    card[100:130, 50:350] = 20  # the row
    card[85:95, 60:80] = 20  # a neighbour's descender, in the margin
    crop, left, top = layout.row_image(card, layout.InkLine(50, 100, 350, 130, 130, 20))
    assert (left, top) == (31, 81)
    assert crop[100 - top + 5, 100 - left] == 20
    assert crop[90 - top, 70 - left] == 230


def word(text: str, left: int, top: int, height: int, conf: float = 95.0, block: int = 1) -> OcrWord:
    return OcrWord(text, left, top, 18 * len(text), height, conf, block=block, paragraph=1, line=1)


class CropEngine:
    """Reads each band of ink on the image (a strip of a sheet) as the name when it is tall,
    as the address line when it is not, at its own height."""

    name = "by-crop"

    def __init__(self) -> None:
        self.psms: list[int] = []

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.psms.append(options.psm)
        inked = np.flatnonzero((image < 128).any(axis=1))
        bands = np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1) if len(inked) else []
        words = []
        for band in bands:
            top, height = int(band[0]), int(band[-1] - band[0] + 1)
            if height > 25:
                words += [word("Céline", 20, top, height), word("Lefèvre", 150, top, height)]
            else:
                words += [word("69001", 10, top, height), word("Lyon", 120, top, height)]
        return OcrPage(words, image.shape[1], image.shape[0])

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        return None


def two_rows_card() -> np.ndarray:
    card = np.full((600, 1100), 235, np.uint8)
    cv2.putText(card, "Celine Lefevre", (100, 408), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 30, 4)
    cv2.putText(card, "69001 Lyon", (724, 425), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 30, 2)
    return card


def test_split_joined_lines_reads_each_row_on_its_own() -> None:
    joined = [word("Céline", 99, 360, 60, 90), word("Lefèvre", 230, 360, 60, 92),
              word("—", 600, 380, 10, 40), word("s01", 730, 395, 30, 30), word("tvn", 800, 395, 30, 35)]
    engine = CropEngine()
    page = pipeline.split_joined_lines(OcrPage(joined, 1100, 600), two_rows_card(), Options(), engine)
    assert engine.psms == [pipeline.ROW_PSM]  # both rows in one call
    assert [line.text for line in group_lines(page.words)] == ["Céline Lefèvre", "69001 Lyon"]


def test_split_joined_lines_keeps_a_reading_that_would_lose_letters() -> None:
    joined = [word("Céline", 99, 360, 60), word("Lefèvre", 230, 360, 60),
              word("Rhône-Alpes", 730, 395, 30), word("69001", 900, 395, 30)]
    page = OcrPage(joined, 1100, 600)
    assert pipeline.split_joined_lines(page, two_rows_card(), Options(), CropEngine()) is page


def test_split_joined_lines_reads_nothing_again_on_a_card_of_one_row_per_line() -> None:
    card = np.full((600, 1100), 235, np.uint8)
    cv2.putText(card, "Jane Doe  +1 555 0100", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    page = OcrPage([word("Jane", 100, 280, 30), word("+1", 500, 280, 30)], 1100, 600)
    engine = CropEngine()
    assert pipeline.split_joined_lines(page, card, Options(), engine) is page
    assert engine.psms == []


def test_lost_lines_are_the_text_sized_ink_no_word_covers() -> None:
    words = [word("Mobile", 495, 280, 36), word("+61", 620, 280, 36), word("428", 700, 280, 36)]
    mobile = layout.InkLine(494, 284, 760, 307, 307, 16)  # read
    email = layout.InkLine(494, 320, 940, 348, 345, 17)  # dropped
    speck = layout.InkLine(100, 100, 130, 125, 125, 20)  # an icon: not a line of text
    logo = layout.InkLine(100, 400, 700, 560, 560, 120)  # letters of a logo, far too big
    assert layout.lost_lines([mobile, email, speck, logo], words) == [email]
    assert layout.lost_lines([email], []) == []  # nothing read: the poor front's second tries


class StripEngine:
    """Reads every image as one line of text in its middle, as sure as it is told."""

    name = "strip"

    def __init__(self, conf: float) -> None:
        self.conf, self.psms = conf, []  # type: ignore[var-annotated]

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.psms.append(options.psm)
        middle = image.shape[0] // 2  # the one line of a sheet of one strip
        return OcrPage([word("jane@acme.com", 5, middle - 14, 28, self.conf)], image.shape[1], image.shape[0])

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        return None


def test_read_lost_lines_adds_a_dropped_line_read_surely() -> None:
    card = np.full((600, 1000), 235, np.uint8)
    cv2.putText(card, "Mobile +61 428", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    cv2.putText(card, "jane@acme.com", (100, 360), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    page = OcrPage([word("Mobile", 100, 278, 30), word("+61", 230, 278, 30), word("428", 300, 278, 30)],
                   1000, 600)
    engine = StripEngine(conf=92.0)
    mended = pipeline.read_lost_lines(page, card, Options(), engine)
    assert engine.psms == [pipeline.ROW_PSM]
    added = mended.words[3:]
    assert [w.text for w in added] == ["jane@acme.com"] and added[0].block == 2
    assert 320 < added[0].top < 360  # on the card, where the line is
    assert pipeline.read_lost_lines(page, card, Options(), StripEngine(conf=40.0)) is page  # a texture


def test_strip_sheet_stacks_the_lines_a_line_apart() -> None:
    card = np.full((400, 800), 230, np.uint8)
    inks = [layout.InkLine(100, 100, 500, 120, 120, 14), layout.InkLine(50, 300, 300, 330, 330, 20)]
    sheet, places = layout.strip_sheet(card, inks)
    (top_a, bottom_a, left_a, card_top_a), (top_b, bottom_b, _, _) = places
    assert (left_a, card_top_a) == (86, 86)  # the first cut: half its height and 4 px out
    assert top_a == top_b - bottom_a == 68  # the taller cut's height apart (30 + 2 * 19)
    assert sheet.shape == (bottom_b + 68, 428)


class SheetEngine:
    """Reads a sheet of strips as one sure word in the middle of each strip's row, the sheets
    it was given kept; a strip's word is as tall as the strip's glyphs came out on the sheet."""

    name = "sheet"

    def __init__(self, text: str, conf: float) -> None:
        self.text, self.conf, self.sheets = text, conf, []  # type: ignore[var-annotated]

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.sheets.append(image)
        rows = np.flatnonzero((image < 128).any(axis=1))  # the ink of the one strip
        top, bottom = int(rows.min()), int(rows.max()) + 1
        found = [word(self.text, 20, top, bottom - top, self.conf)]
        return OcrPage(found, image.shape[1], image.shape[0])

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        return None


def big_number_card() -> tuple[np.ndarray, OcrPage]:
    card = np.full((500, 1000), 235, np.uint8)
    cv2.putText(card, "T. +33 5 32 70 60 52", (100, 232), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 30, 3)
    garbled = [word("T1330", 100, 200, 32, 31.0, block=2), word("32", 260, 200, 32, 49.0, block=2),
               word("7060:52", 340, 200, 32, 84.0, block=2)]
    return card, OcrPage([*garbled, word("Jane", 100, 100, 40, 96.0)], 1000, 500)


def test_an_unsure_line_of_big_digits_is_read_again_smaller() -> None:
    card, page = big_number_card()
    engine = SheetEngine("+33532706052", conf=96.0)
    mended = pipeline.read_unsure_again(page, card, Options(), engine)
    (sheet,) = engine.sheets
    def ink_height(image: np.ndarray) -> int:
        rows = np.flatnonzero((image < 128).any(axis=1))
        return int(rows.max() - rows.min() + 1)

    # the strip shrunk by 18/32: its words' 32-pixel glyphs are 18 high on the sheet
    assert ink_height(sheet) / ink_height(card[150:300]) == pytest.approx(18 / 32, abs=0.05)
    assert [w.text for w in mended.words] == ["Jane", "+33532706052"]
    number = mended.words[1]
    assert number.block == 2  # the line's place in the reading order
    assert 190 <= number.top <= 215 and 28 <= number.height <= 40  # back on the card, at its size


def test_a_line_of_big_digits_is_kept_unless_the_smaller_reading_is_surer_and_whole() -> None:
    card, page = big_number_card()
    unsure = SheetEngine("+33532706052", 70.0)
    assert pipeline.read_unsure_again(page, card, Options(), unsure) is page
    partial = SheetEngine("+33", 97.0)  # most digits lost
    assert pipeline.read_unsure_again(page, card, Options(), partial) is page


def test_only_unsure_lines_of_big_digits_are_read_again() -> None:
    card, page = big_number_card()
    engine = SheetEngine("+33532706052", conf=96.0)
    sure = OcrPage([replace(w, conf=92.0) for w in page.words], 1000, 500)
    small = OcrPage([replace(w, height=20) for w in page.words], 1000, 500)
    letters_only = OcrPage([replace(w, text="Wwyw") for w in page.words], 1000, 500)
    for unchanged in (sure, small, letters_only):
        assert pipeline.read_unsure_again(unchanged, card, Options(), engine) is unchanged
    assert engine.sheets == []


@pytest.mark.tesseract
def test_a_light_font_s_phone_numbers_read_right_on_a_sample_photo() -> None:
    # card-126 (a desk photo): at the card's scale the `Latin` model reads "T1330 32 7060:52"
    from pathlib import Path

    from cardscan.model import Card

    sample = Path(__file__).resolve().parents[1] / "samples" / "card-126.jpg"
    contact = pipeline.read_card(Card(front=sample), Options())
    assert [p.number for p in contact.phones] == ["+33532706052", "+33753942328", "+33532706053"]


def test_an_unsure_big_word_is_read_again_without_the_rest_of_its_line() -> None:
    card = np.full((400, 1000), 235, np.uint8)
    cv2.circle(card, (120, 150), 50, 40, -1)  # a logo, which the first reading joined to the name
    cv2.putText(card, "OAKPATH", (260, 175), cv2.FONT_HERSHEY_SIMPLEX, 1.8, 30, 4)
    logo, name = word("@)", 70, 100, 100, 55.0), word("oakratuB", 260, 130, 46, 0.0)
    page = OcrPage([logo, name], 1000, 400)
    engine = SheetEngine("OAKPATH", conf=92.0)
    mended = pipeline.read_unsure_again(page, card, Options(), engine)
    assert [w.text for w in mended.words] == ["@)", "OAKPATH"]
    (sheet,) = engine.sheets
    assert sheet.shape[1] < 500  # the word's strip alone: the logo is not on it
    # a body-size word is left as read, and so is a big one the second look is not sure of
    small = OcrPage([logo, replace(name, height=30)], 1000, 400)
    assert pipeline.read_unsure_again(small, card, Options(), engine) is small
    assert pipeline.read_unsure_again(page, card, Options(), SheetEngine("OAKPATH", conf=70.0)) is page


def accent_card() -> tuple[np.ndarray, OcrPage]:
    """A big name whose capital carries an accent the first reading's box left out."""
    card = np.full((400, 1000), 235, np.uint8)
    cv2.putText(card, "Alvarez", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 30, 5)
    cv2.line(card, (120, 150), (134, 138), 30, 4)  # the acute accent over the A, above its box
    cv2.putText(card, "jane@acme.com", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 30, 2)
    name = word("Alvarez", 100, 152, 50, 95.0)
    mail = replace(word("jane@acme.com", 100, 280, 24, 95.0), line=2)
    return card, OcrPage([name, mail], 1000, 400)


def test_marks_above_a_line_are_an_accent_and_a_line_above_is_not() -> None:
    card, page = accent_card()
    ink = pipeline.clean.ink_mask(card)
    name_line, mail_line = page.lines
    top = layout.marks_above(ink, name_line)
    assert top is not None and 132 <= top <= 140
    assert layout.marks_above(ink, mail_line) is None  # nothing sits on its top
    # a descender of the line above reaching down to the line's top is no accent
    hanging = card.copy()
    hanging[100:152, 100:240] = 235
    cv2.line(hanging, (120, 110), (120, 151), 30, 4)
    assert layout.marks_above(pipeline.clean.ink_mask(hanging), name_line) is None


class StripsEngine(SheetEngine):
    """Reads each strip of a sheet (a run of inky rows) as one word, the texts in turn."""

    def __init__(self, texts: list[str], conf: float) -> None:
        super().__init__(texts[0], conf)
        self.texts = texts

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.sheets.append(image)
        rows = np.flatnonzero((image < 128).any(axis=1))
        runs = np.split(rows, np.flatnonzero(np.diff(rows) > 12) + 1)
        found = [replace(word(text, 20, int(run[0]), int(run[-1] - run[0] + 1), self.conf), line=n + 1)
                 for n, (text, run) in enumerate(zip(self.texts, runs, strict=False))]
        return OcrPage(found, image.shape[1], image.shape[0])


def test_a_big_line_with_an_accent_left_out_is_read_again_with_it() -> None:
    card, page = accent_card()
    engine = StripsEngine(["Álvarez", "Álvarez"], conf=93.0)
    mended = pipeline.read_unsure_again(page, card, Options(), engine)
    assert sorted(w.text for w in mended.words) == ["jane@acme.com", "Álvarez"]  # once
    (sheet,) = engine.sheets
    rows = np.flatnonzero((sheet < 128).any(axis=1))
    first = rows[: int(np.flatnonzero(np.diff(rows) > 12)[0]) + 1]
    assert first[-1] - first[0] + 1 > 55  # the first strip holds the accent above the 50-px box
    # read at the card's scale and shrunk: the first reading with the accent is kept
    shrunk_only = StripsEngine(["Alvarez", "Álvarez"], conf=93.0)
    mended = pipeline.read_unsure_again(page, card, Options(), shrunk_only)
    assert sorted(w.text for w in mended.words) == ["jane@acme.com", "Álvarez"]
    # kept only with the same letters and more accents, about as surely
    for text, conf in (("Alvares", 96.0), ("Alvarez", 96.0), ("Álvarez", 80.0)):
        same = StripsEngine([text, text], conf)
        assert pipeline.read_unsure_again(page, card, Options(), same) is page


@pytest.mark.tesseract
def test_capitals_accents_are_read_on_a_sample_photo() -> None:
    # card-136 (rotated 90°): psm 3 reads its name "Angela Alvarez", the accents above its box
    from pathlib import Path

    from cardscan.model import Card

    sample = Path(__file__).resolve().parents[1] / "samples" / "card-136.jpg"
    contact = pipeline.read_card(Card(front=sample), Options())
    assert contact.name == "Ángela Álvarez"
