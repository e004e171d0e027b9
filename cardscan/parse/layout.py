"""A card side as segments: pieces of OCR lines split at wide gaps and printed separators.

Tesseract often puts two columns, or "T: … | M: …", on one line; a segment is the unit the
field extractors work on, and it remembers the line's box, glyph height and confidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from cardscan.model import OcrLine, OcrPage, OcrWord, WordBox
from cardscan.parse.lexicon import fold, lexicon

SEPARATORS = frozenset("|•·◆■●▪◦‣∙¦")  # a word made only of these splits a line
HEIGHT_JUMP = 1.8  # neighbouring words whose glyph heights differ this much are split
GAP_FACTOR = 2.6  # a gap wider than this many glyph heights starts a new segment
_STRIP_EDGES = "|•·◆■●▪◦‣∙¦"
_NUMBER_PIECE = re.compile(r"[+(]?\d[\d().,/-]*")
_LONE_LABEL = re.compile(r"[^\W\d_]{1,3}[:.;]?")  # "T", "Tel:", "W": a label, nothing without its value


@dataclass
class Segment(WordBox):
    words: list[OcrWord]
    line_no: int  # index of the OCR line on its side, in reading order
    side: str = "front"
    used_for: str | None = None  # the field that consumed it, if any
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = clean_text(" ".join(w.text for w in self.words))

    def as_line(self) -> OcrLine:
        return OcrLine(list(self.words))


def clean_text(text: str) -> str:
    """NFKC (fullwidth digits, ligatures), no control characters, edges free of bullets."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c if c.isprintable() else " " for c in text)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2044", "/")
    return " ".join(text.split()).strip(_STRIP_EDGES + " ")


def _height_jump(a: OcrWord, b: OcrWord) -> bool:
    """Two neighbours in very different type sizes belong to different lines of the design."""
    low, high = sorted((a.height, b.height))
    if _NUMBER_PIECE.fullmatch(a.text) and _NUMBER_PIECE.fullmatch(b.text):
        return False  # "04 | 21 25 67 22": one number, one box stretched by the line above
    if len(a.text) < 3 or len(b.text) < 3:
        # short words ("(0)", "&", "E:") have unreliable boxes: only a big jump counts
        return min(len(a.text), len(b.text)) >= 2 and high > 2.2 * max(1, low)
    return high > HEIGHT_JUMP * max(1, low)


def _is_separator(word: OcrWord) -> bool:
    text = word.text.strip()
    return bool(text) and all(c in SEPARATORS for c in text)


def split_line(line: OcrLine, line_no: int, side: str) -> list[Segment]:
    words = [w for w in sorted(line.words, key=lambda w: w.left) if w.text.strip()]
    if not words:
        return []
    heights = sorted(w.height for w in words)
    glyph = max(1, heights[len(heights) // 2])
    segments: list[list[OcrWord]] = [[]]
    previous: OcrWord | None = None
    for word in words:
        if _is_separator(word):
            if segments[-1]:
                segments.append([])
            previous = None
            continue
        if previous is not None and segments[-1] and (
            word.left - previous.right > GAP_FACTOR * glyph or _height_jump(previous, word)
        ):
            segments.append([])
        segments[-1].append(word)
        previous = word
    result = []
    for ws in segments:
        ws = _trim_debris(ws)
        if ws:
            segment = Segment(ws, line_no, side)
            if segment.text and re.search(r"\w", segment.text):
                result.append(segment)
    return result


def _is_debris(word: OcrWord, others: list[OcrWord]) -> bool:
    """A speck, a logo mark or an icon read as a short word at the edge of a line."""
    text = word.text.strip()
    if len(text) > 2 or not others:
        return False
    heights = sorted(w.height for w in others)
    median = heights[len(heights) // 2]
    if not any(c.isalnum() for c in text):
        return True
    if word.conf < 50:
        return True
    if word.height > 1.4 * median and word.conf < 80:
        return True
    return len(text) == 1 and word.height > 2 * median  # a logo mark beside the name


def _doubted_tail(word: OcrWord, others: list[OcrWord]) -> bool:
    """A word Tesseract hardly believes at the end of a line it reads well: a logo or a rule."""
    if word.conf >= 40 or sum(w.conf for w in others) / len(others) < 85:
        return False
    suffixes = lexicon().company_suffixes
    folded = fold(word.text)
    return folded not in suffixes and folded.replace(" ", "") not in {s.replace(" ", "") for s in suffixes}


_WEB_LABELS = frozenset({"email", "e mail", "mail", "web", "website", "url", "internet", "courriel"})


def _is_label(text: str) -> bool:
    """'T', 'Tel:', 'Email:', 'Mobil': a word that only introduces the value after it."""
    key = fold(text)
    return bool(_LONE_LABEL.fullmatch(text)) or key in _WEB_LABELS or key in lexicon().phone_labels


def _trim_debris(words: list[OcrWord]) -> list[OcrWord]:
    while len(words) > 1 and _is_debris(words[0], words[1:]):
        words = words[1:]
    while len(words) > 1 and (_is_debris(words[-1], words[:-1]) or _doubted_tail(words[-1], words[:-1])):
        if _is_label(words[0].text) and any(c.isalnum() for c in words[-1].text):
            break  # "T 04.00.09.00.98", "W acme, fr": a doubted value is still the label's value
        words = words[:-1]
    return words


def page_segments(page: OcrPage | None, side: str = "front") -> list[Segment]:
    if page is None:
        return []
    segments: list[Segment] = []
    for line_no, line in enumerate(page.lines):
        segments.extend(split_line(line, line_no, side))
    return segments


def height_ranks(segments: list[Segment]) -> dict[int, int]:
    """Rank of each segment's glyph height (0 = tallest), keyed by id(segment); near-equal
    heights (within 8%) share a rank so one pixel of OCR jitter does not reorder them."""
    heights = sorted({s.height for s in segments}, reverse=True)
    levels: list[int] = []
    for h in heights:
        if not levels or h < levels[-1] * 0.92:
            levels.append(h)
    ranks = {}
    for s in segments:
        ranks[id(s)] = next(i for i, level in enumerate(levels) if s.height >= level * 0.92)
    return ranks
