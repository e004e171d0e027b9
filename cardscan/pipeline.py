"""One card through every stage: load -> image stage -> OCR -> parse."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

import cv2
import numpy as np

from cardscan import backside, image, layout
from cardscan.backside import reading_confidence
from cardscan.cards import read_sidecar
from cardscan.errors import InputError, MissingDependencyError
from cardscan.followups import set_dates
from cardscan.imaging import clean
from cardscan.model import (
    Card,
    CardResult,
    Contact,
    OcrLine,
    OcrPage,
    OcrWord,
    group_lines,
    image_id,
    path_text,
)
from cardscan.ocr import (
    OcrEngine,
    combine_readings,
    drop_noise,
    get_engine,
    letters,
    mend_lines,
    poor_lines,
    surety,
    tidy_addresses,
    word_confidence,
)
from cardscan.options import SPARSE_PSM, Options
from cardscan.parse import parse_contact
from cardscan.parse.notes import drop_repeats, join_notes
from cardscan.parse.qr import decode as decode_qr


@dataclass
class SideReading:
    page: OcrPage
    prepared: image.PreparedCard
    qr: list[str] = field(default_factory=list)  # QR payloads found on the photo (front only)


class Timer:
    """Adds up the wall time of each stage, in seconds.

    Every call into the OCR engine (reading, OSD) is Tesseract's time wherever it happens (the
    orientation step asks OSD, a poor front is read again): it counts as "ocr" and is taken out
    of the stage that made the call, so the other stages' times are what cardscan itself spends.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._engine_seconds = 0.0  # all engine time so far, to take out of enclosing stages

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start, engine_before = time.perf_counter(), self._engine_seconds
        try:
            yield
        finally:
            spent = time.perf_counter() - start - (self._engine_seconds - engine_before)
            self.seconds[name] = self.seconds.get(name, 0.0) + spent

    def engine(self, engine: OcrEngine) -> OcrEngine:
        """`engine`, with the time of each of its calls counted as "ocr"."""
        return _TimedEngine(engine, self)

    def _engine_call(self, seconds: float) -> None:
        self._engine_seconds += seconds
        self.seconds["ocr"] = self.seconds.get("ocr", 0.0) + seconds


class _TimedEngine:
    def __init__(self, engine: OcrEngine, timer: Timer) -> None:
        self.inner, self.timer, self.name = engine, timer, engine.name

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        start = time.perf_counter()
        try:
            return self.inner.read(image, options)
        finally:
            self.timer._engine_call(time.perf_counter() - start)

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        start = time.perf_counter()
        try:
            return self.inner.orientation(image, options)
        finally:
            self.timer._engine_call(time.perf_counter() - start)


def read_side(
    data: bytes, label: str, options: Options, engine: OcrEngine, page: int = 0,
    timer: Timer | None = None, side: str = "front",
) -> SideReading:
    timer = timer or Timer()
    engine = timer.engine(engine)
    with timer.stage("load"):
        photo = image.decode(data, label, page)
    osd = getattr(engine, "orientation", None)  # asked only when the letters leave it in doubt
    with timer.stage("image"):
        prepared = image.prepare(
            photo, keep_steps=options.debug_dir is not None, options=options,
            orientation=(lambda card: osd(card, options)) if osd is not None else None,
        )
    ocr_page, prepared = _read_prepared(photo, prepared, options, engine, timer, side)
    # A restored card's other versions are read too, and the reading Tesseract is surer of kept:
    # a restoration that rang, or undid a softness the photo did not have, shows there.
    for alternative in prepared.alternatives:
        other = replace(prepared, image=alternative, alternatives=())
        other_page, other = _read_prepared(photo, other, options, engine, timer, side)
        same_geometry = _same_geometry(other, prepared)
        # The other version may have read poorly enough to fall back to the whole photo: that
        # reading must then beat the restored card's as it must beat any card's (card-121's
        # desk and all, by 2%, had replaced the card found and its outline).
        lost_card = prepared.found and not other.found
        margin, extra = (WHOLE_PHOTO_MARGIN, WHOLE_PHOTO_EXTRA) if lost_card else (1.0, 0.0)
        if reading_score(other_page) > reading_score(ocr_page) * margin + extra:
            ocr_page, other_page = other_page, ocr_page
            prepared = replace(other, alternatives=prepared.alternatives)
        if same_geometry:
            # Then line by line: a restoration mends some lines and harms others, so the page
            # read better on the whole can hold a line the other read better (a company name
            # read with a lookalike accent, "Schmìdt"): blur macro F1 0.967 -> 0.975 on the
            # sample set, no other class changed. It costs no reading.
            combined = combine_readings(ocr_page.words, other_page.words)
            ocr_page = OcrPage(combined, ocr_page.width, ocr_page.height)
    if prepared.alternatives and "english" not in options.image_steps_off:
        ocr_page = _read_in_english(ocr_page, prepared, options, engine)
    if side == "front" and options.psm != SPARSE_PSM:
        with timer.stage("fallback"):
            ocr_page = _mend_poor_lines(ocr_page, prepared.image, options, engine)
        with timer.stage("layout"):
            ink = clean.ink_mask(prepared.image)
            inks = layout.ink_lines(prepared.image, ink)
        with timer.stage("fallback"):
            ocr_page = split_joined_lines(ocr_page, prepared.image, options, engine, inks)
            ocr_page = read_lost_lines(ocr_page, prepared.image, options, engine, inks)
            ocr_page = read_unsure_again(ocr_page, prepared.image, options, engine, ink)
    if options.debug_dir is not None:
        _write_steps(options.debug_dir, side, prepared)
    with timer.stage("qr"):
        qr = decode_qr(photo) if side == "front" else []
    return SideReading(page=ocr_page, prepared=prepared, qr=qr)


# The model a restored (blurred) card is read by too. The script model reads a blur's smeared
# dot of an i as an accent (`schmìdt-colìc.de`) and fuses small letters it has no word list for
# (`deanrockin` for `clearrock.in`); the English model, trained on far more print of fewer
# letters, reads many such lines right, and the line Tesseract is surer of is kept as between
# the restorations (combine_readings). Only blurred cards pay the reading, and the model is
# small (~15 MB loaded). Samples, network on: blur any-order CER 0.0159 -> 0.0119, blur macro
# F1 0.972 -> 0.981 (card-121's email); realdev unchanged.
SECOND_MODEL = "eng"


def _read_in_english(
    page: OcrPage, prepared: image.PreparedCard, options: Options, engine: OcrEngine,
) -> OcrPage:
    """A restored card's reading combined, line by line, with the SECOND_MODEL's; the reading
    as it was when the card is read by that model already or the model is not installed."""
    if SECOND_MODEL in options.lang.split("+"):
        return page
    english = replace(options, lang=SECOND_MODEL)
    try:
        other = read_columns(prepared.image, english, engine, prepared.x_height or image.TARGET_X_HEIGHT)
    except MissingDependencyError:
        return page
    return OcrPage(combine_readings(page.words, other.words), page.width, page.height)


def _read_prepared(
    photo: np.ndarray, prepared: image.PreparedCard, options: Options, engine: OcrEngine, timer: Timer,
    side: str,
) -> tuple[OcrPage, image.PreparedCard]:
    """The prepared card's reading, with a poorly read front's second tries."""
    with timer.stage("layout"):  # the dividers' search; the columns' readings count as "ocr"
        ocr_page = read_columns(prepared.image, options, engine, prepared.x_height or image.TARGET_X_HEIGHT)
    if side == "front" and reads_poorly(ocr_page):
        # Its readings count as "ocr"; "fallback" is the rest (turning, the whole photo's image stage).
        with timer.stage("fallback"):
            ocr_page, prepared = _reread_poor_front(photo, ocr_page, prepared, options, engine)
    return ocr_page, prepared


def read_columns(card: np.ndarray, options: Options, engine: OcrEngine, x_height: float) -> OcrPage:
    """The card's reading, each column between vertical divider rules read on its own.

    psm 3's layout analysis joins the lines of a name block and a contact block across the
    rule between them ("LO KOROUA | Tet 950" for a name beside a phone), and erasing the
    rule does not help: it joins them across the gap. Read apart, the columns cost about
    what the whole card does. The columns' words keep their own blocks, left column first.
    Samples: two-column cards' flexible CER 0.032 -> 0.014 (cards 024, 033, 046, 135 read
    exactly), all cards' 0.0129 -> 0.0097."""
    rules = layout.dividers(card, x_height) if options.psm != SPARSE_PSM and card.ndim == 2 else []
    if not rules:
        return engine.read(card, options)
    height, width = card.shape[:2]
    words: list[OcrWord] = []
    for left, right in layout.columns(width, rules):
        page = engine.read(np.ascontiguousarray(card[:, left:right]), options)
        first_block = max((w.block for w in words), default=0)
        words.extend(replace(w, left=w.left + left, block=w.block + first_block) for w in page.words)
    return OcrPage(words, width, height)


# A front whose reading has fewer confident characters than this (a name and a phone number
# have more), or whose words Tesseract is unsure of on the whole, was probably cut from the
# wrong region, turned the wrong way or lost by the layout analysis: it is read again.
POOR_FRONT_CHARS = 30
POOR_FRONT_CONFIDENCE = 70.0  # print read the right way up scores 85–97, upside down 35–60
# The whole photo replaces the card found only when its reading scores this much more (and 5
# more): a blurred card read a little better with the desk around it keeps its outline.
WHOLE_PHOTO_MARGIN = 1.5
WHOLE_PHOTO_EXTRA = 5.0


def confident_chars(page: OcrPage) -> int:
    """Letters and digits in the words Tesseract is sure of: how much text a reading found."""
    return letters(page.words, sure=True)


def reading_score(page: OcrPage) -> float:
    """Confident characters weighted by the reading's mean confidence: an upside-down or
    sparse reading of noise has a few confident-looking words among many unsure ones."""
    return surety(page.words)


def reads_poorly(page: OcrPage) -> bool:
    return confident_chars(page) < POOR_FRONT_CHARS or reading_confidence(page) < POOR_FRONT_CONFIDENCE


def _same_geometry(a: image.PreparedCard, b: image.PreparedCard) -> bool:
    """Whether the two prepared cards show the card in the same place of the same size of image
    (neither reading turned it, nor fell back to the whole photo), so that their words' boxes
    compare."""
    return a.image.shape == b.image.shape and a.rotation == b.rotation and a.corners == b.corners


def _reread_poor_front(
    photo: np.ndarray, page: OcrPage, prepared: image.PreparedCard, options: Options, engine: OcrEngine,
) -> tuple[OcrPage, image.PreparedCard]:
    """The reading with the best reading_score among the first and a few second tries, each
    made only while the best so far still reads poorly:
    - the card turned the way Tesseract's OSD sees it on the final image (where the text has
      the size OSD reads best, unlike the small preview the orientation step shows it);
    - the card turned 180°: the letters' up/down test is the one that fails on blurred or
      all-capital cards, and OSD often cannot tell either;
    - sparse-text segmentation (psm 11): psm 3's layout analysis sometimes takes a card with
      a QR code or a big logo for a picture and returns no words at all;
    - the whole photo, when the outline found was a QR code, a logo or a colour band; it must
      read clearly more than the card, whose outline is otherwise kept.
    Only fronts that read poorly pay for these."""
    best = (reading_score(page), page, prepared)

    def consider(page: OcrPage, card: image.PreparedCard, margin: float = 1.0, extra: float = 0.0) -> None:
        nonlocal best
        score = reading_score(page)
        if score > best[0] * margin + extra:
            best = (score, page, card)

    osd = getattr(engine, "orientation", None)
    turn = osd(prepared.image, options) if osd is not None else None
    if turn:
        turned = image.turn(prepared, turn)
        consider(engine.read(turned.image, options), turned)
    if reads_poorly(best[1]) and turn != 180:
        upside_down = image.turn(prepared, 180)
        consider(engine.read(upside_down.image, options), upside_down)
    if reads_poorly(best[1]):  # on the card as the image stage turned it: its best guess
        sparse = replace(options, psm=SPARSE_PSM)
        consider(engine.read(prepared.image, sparse), prepared)
    if reads_poorly(best[1]) and prepared.found and "detect" not in options.image_steps_off:
        # (without the network: the whole photo is the last resort for an outline taken from a
        # logo or a band, and restoring a whole upscaled photo costs seconds, read after read)
        whole_options = replace(options, image_steps_off=options.image_steps_off | {"detect", "network"})
        whole = image.prepare(
            photo, keep_steps=options.debug_dir is not None, options=whole_options,
            orientation=(lambda card: osd(card, options)) if osd is not None else None,
        )
        consider(engine.read(whole.image, options), whole, margin=WHOLE_PHOTO_MARGIN, extra=WHOLE_PHOTO_EXTRA)
    best[2].fallback = best[2] is not prepared or best[1] is not page
    return best[1], best[2]


def _mend_poor_lines(page: OcrPage, card: np.ndarray, options: Options, engine: OcrEngine) -> OcrPage:
    """The reading with its unsure lines read again by sparse-text segmentation (one more
    reading, only for a front that has such a line); see ocr.mend_lines."""
    poor = poor_lines(page.words)
    if not poor:
        return page
    sparse = engine.read(card, replace(options, psm=SPARSE_PSM))
    mended = mend_lines(page.words, poor, sparse.words)
    return page if mended is page.words else OcrPage(mended, page.width, page.height)


# A row of ink psm 3 joined to another, or dropped, is read on its own, on a sheet of such
# strips, as a uniform block: psm 7 ("one line") returned no words on such crops.
ROW_PSM = 6
# The rows' reading replaces the joined line's unless it is less sure by more than this
# (0..100, by word_confidence): one print's confidences jitter by a point or two.
ROW_CONFIDENCE_SLACK = 2.0


def read_strips(
    card: np.ndarray, strips: list[layout.InkLine], options: Options, engine: OcrEngine,
    scales: list[float] | None = None,
) -> list[list[OcrWord]]:
    """The words of each strip of the card, in the card's coordinates, read in one call on a
    sheet of the strips (layout.strip_sheet) as a uniform block; with `scales`, each strip
    read shrunk by its factor."""
    sheet, places = layout.strip_sheet(card, strips, scales)
    sheet_words = engine.read(sheet, replace(options, psm=ROW_PSM)).words
    factors = scales or [1.0] * len(strips)
    return [
        [_unscaled(w, sheet_top, factor, left, top) for w in sheet_words
         if sheet_top <= w.top + w.height / 2 < sheet_bottom]
        for (sheet_top, sheet_bottom, left, top), factor in zip(places, factors, strict=True)
    ]


def _unscaled(word: OcrWord, sheet_top: int, factor: float, left: int, top: int) -> OcrWord:
    """A word read on a strip of a sheet, put back where it is on the card (and at its size,
    when the strip was shrunk by `factor`)."""
    return replace(
        word, left=round(word.left / factor) + left, top=round((word.top - sheet_top) / factor) + top,
        width=round(word.width / factor), height=round(word.height / factor),
    )


def split_joined_lines(
    page: OcrPage, card: np.ndarray, options: Options, engine: OcrEngine,
    inks: list[layout.InkLine] | None = None,
) -> OcrPage:
    """The reading with each line that joins rows of ink of different heights or sizes (a name
    beside a phone number in the next column, no rule between them: "Céline Lefèvre — s01 tvn"
    for the name and "69001 Lyon") replaced by its rows read one by one, each in a block of
    its own, when that reading loses no letters (all, and confident) and is about as sure.
    The rows are read in one call, on a sheet of their strips (a tenth of a page's time);
    only a card whose image shows a line joined pays for it. After the column split, samples
    macro F1 0.9829 -> 0.9838 (band cards 086, 099 and 142 read exactly), flexible CER
    0.0097 -> 0.0088, no card worse."""
    lines = group_lines(page.words)
    candidates = [line for line in lines if len(line.words) >= 2]
    if not candidates:
        return page
    inks = layout.ink_lines(card) if inks is None else inks
    joined = [(line, sorted(rows, key=lambda row: row.left)) for line in candidates
              if (rows := layout.joined_rows(line, lines, inks))]
    if not joined:
        return page
    # all the rows in one call, on a sheet of their strips
    strips = iter(read_strips(card, [row for _, rows in joined for row in rows], options, engine))
    replaced: set[int] = set()
    added: list[OcrWord] = []
    next_block = max((w.block for w in page.words), default=0) + 1
    for line, rows in joined:
        key = line.words[0]
        read: list[OcrWord] = []
        for number, strip in enumerate(islice(strips, len(rows))):  # this line's rows, in order
            # the leftmost row keeps the joined line's place in the reading order (the
            # others are the next column's)
            read.extend(w.on_line_of(key) if number == 0 else replace(w, block=next_block + number)
                        for w in strip)
        if any(letters(read, sure) < letters(line.words, sure) for sure in (False, True)):
            continue  # a row read as nothing, or less
        if word_confidence(read) < word_confidence(line.words) - ROW_CONFIDENCE_SLACK:
            continue
        replaced.update(id(w) for w in line.words)
        added.extend(read)
        next_block += len(rows)
    if not replaced:
        return page
    return OcrPage([w for w in page.words if id(w) not in replaced] + added, page.width, page.height)


# A dropped line's reading is kept when Tesseract is this sure of it (0..100, word_confidence)
# and it has this many confident letters: a texture or a logo read as text is unsure.
LOST_LINE_CONFIDENCE = 75.0
LOST_LINE_LETTERS = 3


def read_lost_lines(
    page: OcrPage, card: np.ndarray, options: Options, engine: OcrEngine,
    inks: list[layout.InkLine] | None = None,
) -> OcrPage:
    """The reading with the lines of ink it left uncovered (layout.lost_lines: psm 3's layout
    analysis drops a line of blurred small print) read again, all in one call on a sheet of
    their strips, each kept in a block of its own after the rest when Tesseract is sure of
    it. Only a card with such a line pays: on the sample set 2 of 160 (nothing kept: the
    column split already reads card-053's e-mail, which psm 3 drops on most crops of the
    card); on realdev 17 of 26 cards, words kept on 4, macro F1 0.7739 -> 0.7776 (names and
    titles .889 -> .913, companies .769 -> .750), the same as reading each strip apart (91
    calls)."""
    inks = layout.ink_lines(card) if inks is None else inks
    lost = layout.lost_lines(inks, page.words)
    if not lost:
        return page
    added: list[OcrWord] = []
    next_block = max((w.block for w in page.words), default=0) + 1
    for strip in read_strips(card, lost, options, engine):
        read = [replace(w, block=next_block) for w in strip]
        if word_confidence(read) >= LOST_LINE_CONFIDENCE and letters(read, sure=True) >= LOST_LINE_LETTERS:
            added.extend(read)
            next_block += 1
    return OcrPage(page.words + added, page.width, page.height) if added else page


# Second looks at what the first reading was unsure of, all in one call on a sheet of strips:
# - a line of digits (a phone or fax number) read this unsurely (0..100, word_confidence), in
#   glyphs taller than SMALLER_LINE_HEIGHT by a fifth, is read again shrunk to that height: on
#   the light, geometric fonts of some cards the `Latin` model reads a number at the card's
#   scale as "T1330 32 7060:52" and at two thirds of it as "T. +33 5 32 70 60 52", each word
#   at 95 or more. (Lines of letters read smaller turned "www. truelabs.uk" into a surer
#   "wwyw.truelabs.uk": they are left alone.)
UNSURE_LINE_CONFIDENCE = 70.0
SMALLER_LINE_HEIGHT = 18.0  # pixels of word height (a digit's is its cap height)
SMALLER_MARGIN = 10.0  # kept when this much surer
# - a big word (a company's name beside its logo: "@) oakratuB.v." for "OAKPATH B.V.") read
#   this unsurely is read again on its own, without the rest of its line; kept only when read
#   surely and much surer (body-size words re-read on their own changed for the worse as often
#   as for the better: "girard-design.fr" -> "„girard-design.fr", "+9618" -> "+96181").
UNSURE_WORD_CONFIDENCE = 50.0
BIG_WORD_HEIGHT = 36.0  # pixels of word height: above the body text's at the card's scale
ALONE_MARGIN, ALONE_FLOOR = 30.0, 80.0
# - a big line (ACCENT_LINE_HEIGHT times the card's median line or more) with marks of ink just
#   above it that its words' boxes leave out (layout.marks_above: an accent on a capital) is
#   read again cut out with them, and kept when it reads the same letters with more accents,
#   about as surely (ACCENT_SLACK less at most).
ACCENT_LINE_HEIGHT = 1.3
ACCENT_SLACK = 5.0
ACCENT_SCALES = (1.0, 0.75)  # card-067's `Álvarez` reads with its accent only shrunk
# A second look is kept only when it keeps this share of the letters and digits (a misreading
# adds some: "t335" for "+33 5") and reads something else.
SECOND_LOOK_KEEPS = 0.75


@dataclass
class _SecondLook:
    words: list[OcrWord]  # what the strip's reading would replace
    scale: float
    margin: float
    floor: float = 0.0
    top: int | None = None  # the strip reaches up to here (an accent above the words' boxes)

    @property
    def strip(self) -> layout.InkLine:
        ink = layout.InkLine.around(OcrLine(self.words))
        return ink if self.top is None else replace(ink, top=min(ink.top, self.top))

    def better(self, strip: list[OcrWord]) -> bool:
        """Whether the strip's reading is to replace the words."""
        if letters(strip) < SECOND_LOOK_KEEPS * letters(self.words):
            return False
        if [w.text for w in strip] == [w.text for w in self.words]:
            return False
        if self.top is not None:
            read, was = " ".join(w.text for w in strip), " ".join(w.text for w in self.words)
            return (fold_accents(read) == fold_accents(was) and accents(read) > accents(was)
                    and word_confidence(strip) >= word_confidence(self.words) - ACCENT_SLACK)
        return word_confidence(strip) >= max(word_confidence(self.words) + self.margin, self.floor)


def fold_accents(text: str) -> str:
    """The text without its diacritics, case folded: the letters an accent does not change.
    (Not parse.lexicon.strip_accents: that one also folds ı into i and compatibility forms,
    which a reading's letters must keep apart here.)"""
    kept = (ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return "".join(kept).casefold()


def accents(text: str) -> int:
    return sum(unicodedata.combining(ch) > 0 for ch in unicodedata.normalize("NFD", text))


def read_unsure_again(
    page: OcrPage, card: np.ndarray, options: Options, engine: OcrEngine, ink: np.ndarray | None = None,
) -> OcrPage:
    """The reading with its unsure numbers read again smaller, its unsure big words read again
    on their own (see UNSURE_LINE_CONFIDENCE) and its big lines with an accent left out of
    their boxes read again with it (ACCENT_LINE_HEIGHT), all in one call on a sheet of their
    strips, each kept where it is better. Only a card with such a line or word pays (8 fronts at most
    of 160 on the sample set). Samples: macro F1 0.9849 -> 0.9864 (phones .987 -> .993,
    companies .966 -> .972: card-126's three phone numbers, card-090's company), flexible CER
    0.0088 -> 0.0079; then the accents: 0.9875 -> 0.9909 (names .966 -> .993: cards 010, 067,
    082, 136); realdev unchanged by either. `ink`: the card's clean.ink_mask, when already
    made."""
    looks: list[_SecondLook] = []
    lines = group_lines(drop_noise(page.words))
    heights = sorted(line.bottom - line.top for line in lines)
    for line in lines:
        if heights and line.bottom - line.top >= ACCENT_LINE_HEIGHT * heights[(len(heights) - 1) // 2]:
            ink = clean.ink_mask(card) if ink is None else ink
            top = layout.marks_above(ink, line)
            if top is not None:
                looks.extend(_SecondLook(line.words, scale, 0.0, top=top) for scale in ACCENT_SCALES)
                continue
        count = letters(line.words)
        if (count >= 4 and sum(ch.isdigit() for ch in line.text) >= count / 2
                and word_confidence(line.words) < UNSURE_LINE_CONFIDENCE
                and line.height > 1.2 * SMALLER_LINE_HEIGHT):
            looks.append(_SecondLook(line.words, SMALLER_LINE_HEIGHT / line.height, SMALLER_MARGIN))
            continue
        looks.extend(_SecondLook([w], 1.0, ALONE_MARGIN, ALONE_FLOOR) for w in line.words
                     if letters([w]) >= 4 and w.conf < UNSURE_WORD_CONFIDENCE and w.height >= BIG_WORD_HEIGHT)
    if not looks:
        return page
    scales = [look.scale for look in looks]
    strips = read_strips(card, [look.strip for look in looks], options, engine, scales)
    replaced: set[int] = set()
    added: list[OcrWord] = []
    for look, strip in zip(looks, strips, strict=True):
        if any(id(w) in replaced for w in look.words) or not look.better(strip):
            continue  # (a line looked at twice keeps the first reading that is better)
        added.extend(w.on_line_of(look.words[0]) for w in strip)
        replaced.update(id(w) for w in look.words)
    if not replaced:
        return page
    return OcrPage([w for w in page.words if id(w) not in replaced] + added, page.width, page.height)


def _write_steps(folder: Path, side: str, prepared: image.PreparedCard) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, step in prepared.steps.items():
        cv2.imwrite(str(folder / f"{side}-{name}.png"), step)


def read_card_result(card: Card, options: Options, engine: OcrEngine | None = None) -> CardResult:
    """Read both sides of a card. Raises CardscanError subclasses on failure."""
    engine = engine or get_engine(options)
    timer = Timer()
    with timer.stage("load"):
        front_bytes = image.load_bytes(card.front)
    front = read_side(front_bytes, str(card.front), options, engine, card.page, timer, "front")
    back = None
    if card.back is not None:
        with timer.stage("load"):
            back_bytes = image.load_bytes(card.back)
        back = read_side(back_bytes, str(card.back), options, engine, 0, timer, "back")
        back.page, turned = backside.read_either_way_up(  # its readings count as "ocr"
            back.prepared.image, back.page, timer.engine(engine), options
        )
        if turned:
            back.prepared.rotation = (back.prepared.rotation + 180) % 360
    with timer.stage("parse"):
        # Texture and specks out once the readings are chosen (the choice weighs them as read).
        for side in (front, back):
            if side is not None:
                side.page = OcrPage(
                    tidy_addresses(drop_noise(side.page.words, (side.page.width, side.page.height))),
                    side.page.width, side.page.height,
                )
        contact = parse_contact(front.page, back.page if back else None, options, qr=front.qr)
    # A page's number joins the hash; a scan of 256 pages or more needs more than one byte.
    suffix = card.page.to_bytes(1 if card.page < 256 else 4, "big") if card.page else b""
    contact.id = image_id(front_bytes + suffix)
    contact.images = {"front": path_text(card.front), "back": path_text(card.back) if card.back else None}
    contact.event = options.event
    contact.notes = join_notes(drop_repeats(contact.notes, contact), read_sidecar(card.sidecar))
    _check_found(card, front, back, contact)
    set_dates(contact, front_bytes, options.follow_up_days)
    diagnostics = {
        "corners": front.prepared.corners,
        "rotation": front.prepared.rotation,
        "found": front.prepared.found,
        "orientation_by": front.prepared.orientation_by,
        "reread": front.prepared.fallback,
        "timings": timer.seconds,
    }
    return CardResult(card=card, contact=contact, diagnostics=diagnostics)


# What makes a contact worth storing: a photo that yields none of these (a blank page, a
# landscape, a screenshot of a chart) is a failed card with its reason, not an empty contact.
# A note (the back's, or the user's sidecar file) counts: it is the user's own data.
CONTACT_DETAILS = ("name", "company", "title", "emails", "phones", "websites", "address", "social", "notes")


def _check_found(card: Card, front: SideReading, back: SideReading | None, contact: Contact) -> None:
    """InputError (the card fails, exit 2 alone / 6 in a batch) when the photos hold no card."""
    if any(getattr(contact, name) for name in CONTACT_DETAILS):
        return
    sides = [front] if back is None else [front, back]
    text = " ".join(word.text for side in sides for word in side.page.words).strip()
    if not text and not front.qr:
        raise InputError(card.label, "no text found on the card")
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    raise InputError(card.label, f"no contact details found on the card (read: {shown!r})")


def read_card(card: Card, options: Options, engine: OcrEngine | None = None) -> Contact:
    result = read_card_result(card, options, engine)
    assert result.contact is not None
    return result.contact
