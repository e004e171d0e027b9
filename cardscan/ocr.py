"""The only module that talks to Tesseract.

`OcrEngine` is the seam: `PytesseractEngine` runs the `tesseract` command per image,
`TesserocrEngine` keeps libtesseract loaded in-process, `FakeEngine` serves tests of the
pipeline and the CLI. All return an `OcrPage` of words with boxes and confidences.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from cardscan.errors import (
    TESSERACT_INSTALL_HINT,
    MissingDependencyError,
    OcrEngineError,
    OcrTimeoutError,
    language_install_hint,
)
from cardscan.model import OcrLine, OcrPage, OcrWord, group_lines
from cardscan.options import Options
from cardscan.strings import strip_accents

if TYPE_CHECKING:
    import numpy as np

# OSD needs a few lines of text; below this it guesses, and a guess is worse than none.
MIN_OSD_CONFIDENCE = 1.0


class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        """Read the words of an 8-bit grayscale or BGR image."""
        ...

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        """Degrees clockwise the text in the image appears turned (0/90/180/270), or None
        when Tesseract's OSD cannot tell (too few letters, or no `osd` model)."""
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


CONFIDENT_WORD = 60.0  # Tesseract's word confidence (0..100) above which a word counts as read

# What Tesseract "reads" in a texture, a dotted pattern or a speck of dirt, told from text:
TEXTURE_MIN_WORDS = 5  # a line of at least this many words ...
TEXTURE_MAX_CONF = 0.35  # ... whose mean confidence (0..1) is below this ...
TEXTURE_SHORT_SHARE = 0.8  # ... and nearly all of them 1–3 letters, with no digit or @ among them
SPECK_HEIGHT = 0.4  # an unsure word under this share of its line's confident text height
SPECK_MAX_CONF = 50.0
# A logo's mark read as a letter or two ("Ma Lehmann Health", "5 Swift Properties", a lone
# "Q" above "Mapleridge"): one or two letters or digits this many times as tall as the card's
# confident words, read less surely than LOGO_MAX_CONF (a big "HP" read surely is kept).
LOGO_HEIGHT = 2.0
LOGO_MAX_CONF = 85.0
# A logo of bars (a bar chart, stripes) is read as a run of upright strokes ("Jil", "Ill"): at
# the logo's height and as unsure, such a run of up to LOGO_STROKES letters is its mark too.
STROKE_LETTERS = frozenset("IlijJ1|!")
LOGO_STROKES = 4
# The sliver of desk or shadow a card's outline leaves along a side, read as letters ("a e Di
# AA" a pixel wide down the left edge): an unsure word whose box runs to the image's edge, with
# no part of a contact detail (a digit group, an @). Print keeps millimetres from a card's edge.
EDGE_MAX_CONF = 50.0
EDGE_REACH = 1  # pixels from the image's edge


def drop_noise(words: list[OcrWord], size: tuple[int, int] | None = None) -> list[OcrWord]:
    """The words, less those read in a background pattern or a speck: a line of many short,
    unsure letter groups (a texture Tesseract took for text), unsure words far smaller than
    the confident text of their own line, and (given the image's `size`, width and height)
    unsure words that run to its edge. Real text, even blurred, has digits, longer words, or
    a size of its own; what is dropped never held a contact detail."""
    noise: set[int] = set()
    if size is not None:
        noise.update(id(word) for word in words if _on_edge(word, *size))
    sure_heights = sorted(word.height for word in words if word.conf >= CONFIDENT_WORD)
    card_height = sure_heights[len(sure_heights) // 2] if sure_heights else None
    for line in group_lines(words):
        if len(line.words) >= TEXTURE_MIN_WORDS and _looks_like_texture(line):
            noise.update(id(word) for word in line.words)
            continue
        if card_height is not None:
            numbers = sum(any(ch.isdigit() for ch in word.text) for word in line.words)
            noise.update(
                id(word) for word in line.words
                if word.conf < LOGO_MAX_CONF and word.height >= LOGO_HEIGHT * card_height
                and (1 <= sum(ch.isalnum() for ch in word.text) <= 2 or _strokes(word.text))
                # a group of a phone number's digits whose box a joined line stretched is not
                and not (any(ch.isdigit() for ch in word.text) and numbers > 1)
            )
        sure = [word for word in line.words if word.conf >= CONFIDENT_WORD]
        if not sure:
            continue
        text_height = OcrLine(sure).height  # their median height
        noise.update(  # punctuation (a colon, a bullet) is small by nature: only letter groups
            id(word) for word in line.words
            if word.conf < SPECK_MAX_CONF and word.height < SPECK_HEIGHT * text_height
            and any(ch.isalnum() for ch in word.text)
        )
    return [word for word in words if id(word) not in noise]


# A word that is an email or web address: a name@host, a www. or scheme:// address, or a
# dotted host name ending in a top-level domain, with or without a path.
_ADDRESS = re.compile(
    r"\S@\S|^(?:https?:|www\.)|^[^\s@/]+\.[a-z]{2,6}(?:/\S*)?$", re.IGNORECASE
)
# An email address whole: what a split one must make again to be joined.
_EMAIL = re.compile(r"^[\w.+-]*\w@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}$", re.IGNORECASE)
# A scheme whose two slashes were read as one, a fraction slash or a bar (`https:⁄acme.io`).
_SCHEME = re.compile(r"^(https?):(?!//)[/⁄|\\]{1,3}(?=\w)", re.IGNORECASE)


def tidy_addresses(words: list[OcrWord]) -> list[OcrWord]:
    """The words, with the email and web addresses Tesseract misread in their punctuation
    put back as printed (the parser reads them so already; this is the reading's text):
    - an email split at its @ (`hello @ acme.io`, `jane @acme.io`: the @ read as a word of its
      own, or with its neighbour) joined again, when the two sides make an address;
    - accents taken off its letters: the addresses printed on cards are ASCII, and a blur's
      smeared dot of an i reads as a grave accent (`sales@schmìdt-colìc.de`);
    - a scheme's two slashes read as one, or as a fraction slash (`https:⁄acme.io`)."""
    by_word = {id(word): word for word in words}
    dropped: set[int] = set()
    for line in group_lines(words):
        run = line.words
        i = 0
        while i < len(run) - 1:
            joined = _joined_email(run[i : i + 3])
            if joined is None:
                i += 1
                continue
            # a joined address holds its @: no neighbour joins it again, so the run goes on after it
            merged, used = joined
            by_word[id(run[i])] = merged
            dropped.update(id(word) for word in run[i + 1 : i + used])
            i += used
    out = []
    for word in words:
        if id(word) in dropped:
            continue
        word = by_word[id(word)]
        text = word.text
        if not text.isascii() and _ADDRESS.search(text):
            text = strip_accents(text)
        text = _SCHEME.sub(r"\1://", text)
        out.append(word if text == word.text else replace(word, text=text))
    return out


def _joined_email(run: list[OcrWord]) -> tuple[OcrWord, int] | None:
    """The email the first two or three words of `run` make joined, with how many it took, or
    None: `name @ host`, `name @host`, `name@ host`."""
    texts = [word.text for word in run]
    name = texts[0].rstrip("@")
    if name.isupper() and len(name) <= 3:
        return None  # a label before a handle (`IG @jane.co`, `E @acme.io`), not a name
    if len(run) >= 3 and texts[1] == "@":
        text, used = texts[0] + "@" + texts[2], 3
    elif texts[1].startswith("@") or texts[0].endswith("@"):
        text, used = texts[0] + texts[1], 2
    else:
        return None
    if text.count("@") != 1 or not _EMAIL.match(text):
        return None
    box = OcrLine(run[:used])  # the parts' box
    merged = replace(run[0], text=text, left=box.left, top=box.top, width=box.right - box.left,
                     height=box.bottom - box.top, conf=min(w.conf for w in box.words))
    return merged, used


def _strokes(text: str) -> bool:
    """Whether the text is a short run of upright strokes only (`Jil`, `Ill`, `|||`)."""
    return 1 <= len(text) <= LOGO_STROKES and all(ch in STROKE_LETTERS for ch in text)


def _on_edge(word: OcrWord, width: int, height: int) -> bool:
    touches = (word.left <= EDGE_REACH or word.top <= EDGE_REACH
               or word.right >= width - EDGE_REACH or word.bottom >= height - EDGE_REACH)
    detail = "@" in word.text or sum(ch.isdigit() for ch in word.text) >= 2
    return touches and word.conf < EDGE_MAX_CONF and not detail


def _looks_like_texture(line: OcrLine) -> bool:
    if line.conf >= TEXTURE_MAX_CONF:
        return False
    if any(ch.isdigit() or ch == "@" for ch in line.text):
        return False
    short = sum(sum(ch.isalnum() for ch in word.text) <= 3 for word in line.words)
    return short >= TEXTURE_SHORT_SHARE * len(line.words)


# A line Tesseract read this unsurely (mean word confidence, 0..1) is read again on its own:
# psm 3's layout analysis joins the lines of two columns that sit at slightly different
# heights into one line, and reads the pair as garbage ("ELO KOTOUC | Telt 950" for a name
# beside a phone number), where sparse-text segmentation (psm 11) finds each.
POOR_LINE_CONF = 0.55
# ... when its words' heights differ this much (tallest / shortest word of two or more letters
# and digits): print of two sizes on one line is two lines joined (ascenders and descenders
# alone make 1.5 at most),
JOINED_HEIGHTS = 2.0
# ... and the second reading of its place replaces it only when it is this much surer.
MEND_MARGIN = 0.15


def poor_lines(words: list[OcrWord]) -> list[OcrLine]:
    """The lines that look like two lines joined and read too unsurely to trust: two or more
    words of very different heights, a low mean confidence (noise already set aside)."""
    poor = []
    for line in group_lines(drop_noise(words)):
        if len(line.words) < 2 or line.conf >= POOR_LINE_CONF:
            continue
        heights = [w.height for w in line.words if sum(ch.isalnum() for ch in w.text) >= 2]
        if heights and max(heights) >= JOINED_HEIGHTS * min(heights):
            poor.append(line)
    return poor


def mend_lines(words: list[OcrWord], poor: list[OcrLine], sparse: list[OcrWord]) -> list[OcrWord]:
    """`words` with each poor line replaced by the words of a second, sparse-text reading of the
    same image whose centres fall in the line's box, when those form two or more lines (the
    first reading joined them), read surer (by MEND_MARGIN) and lose no letters, confident or
    not; they keep their own line numbering (in blocks of their own), so the joined lines
    come apart."""
    replaced: set[int] = set()
    added: list[OcrWord] = []
    next_block = max((w.block for w in words), default=0) + 1
    poor_words = {id(w) for line in poor for w in line.words}
    kept = [w for w in words if id(w) not in poor_words]
    # what the first reading has already read well elsewhere is not taken twice
    taken = {id(w) for w in sparse if any(_holds_centre(k, w) for k in kept)}
    for line in poor:
        pad = line.height // 3
        inside = [w for w in sparse if id(w) not in taken and _holds_centre(line, w, pad)]
        if not inside or OcrLine(inside).conf < line.conf + MEND_MARGIN:
            continue
        if len(group_lines(inside)) < 2:
            continue  # the same line read another way, not two lines the first reading joined
        if any(letters(inside, sure) < letters(line.words, sure) for sure in (False, True)):
            continue  # it lost text
        blocks: dict[int, int] = {}
        for w in inside:
            block = blocks.setdefault(w.block, next_block + len(blocks))
            added.append(replace(w, block=block))
            taken.add(id(w))
        next_block += len(blocks)
        replaced.update(id(w) for w in line.words)
    if not replaced:
        return words
    return [w for w in words if id(w) not in replaced] + added


# Two lines of two readings of the same card image are the same text when their boxes share
# this much of the smaller box's area: a line one reading joined across two columns holds
# each of the other's two, while neighbouring lines touch by an ascender at most.
SAME_PLACE = 0.5
# The second reading's lines replace the first's in a place only when their surety is this
# many times the first's, and PLACE_EXTRA (a confident letter) more: the confidences of one
# print jitter by a point or two, and near ties flipped on the sample set's blurred cards
# went to the worse reading (blur macro F1 0.960 with no margin; 0.975 from 1.1 to 1.5 times
# with one letter more; 0.967 at twice, where the one line that needed the second reading
# stays with the first).
PLACE_MARGIN = 1.25
PLACE_EXTRA = 1.0


def combine_readings(first: list[OcrWord], second: list[OcrWord]) -> list[OcrWord]:
    """The words of two readings of the same image geometry (a deblurred card and the card as
    photographed), place by place from the reading Tesseract is surer of by `surety`, the score
    that chose between the whole pages; `first` keeps a place unless `second` is surer by the
    PLACE_MARGIN. A place is a set of lines of either reading whose boxes overlap (SAME_PLACE),
    so that a line one reading joined and the other split is decided as a whole; a place only
    one reading found text in is that reading's. A line of `second` that replaces one line takes
    that line's numbering (its place in the reading order); other lines taken from `second` keep
    their own, in blocks of their own."""
    first_lines, second_lines = group_lines(first), group_lines(second)
    lines = first_lines + second_lines
    parent = list(range(len(lines)))  # union-find over the lines, into places

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, line_a in enumerate(first_lines):
        for j, line_b in enumerate(second_lines, start=len(first_lines)):
            if _shared_area(line_a, line_b) >= SAME_PLACE:
                parent[root(j)] = root(i)
    places: dict[int, tuple[list[OcrLine], list[OcrLine]]] = {}
    for i, line in enumerate(lines):
        places.setdefault(root(i), ([], []))[i >= len(first_lines)].append(line)
    taken: list[OcrWord] = []
    next_block = max((w.block for w in first), default=0) + 1
    for ours, theirs in places.values():
        our_words = [w for line in ours for w in line.words]
        their_words = [w for line in theirs for w in line.words]
        if surety(their_words) <= PLACE_MARGIN * surety(our_words) + PLACE_EXTRA:
            taken.extend(our_words)
        elif len(ours) == 1 and len(theirs) == 1:
            key = ours[0].words[0]
            taken.extend(w.on_line_of(key) for w in theirs[0].words)
        else:
            blocks: dict[int, int] = {}
            taken.extend(replace(w, block=blocks.setdefault(w.block, next_block + len(blocks)))
                         for line in theirs for w in line.words)
            next_block += len(blocks)
    return taken


def _shared_area(a: OcrLine, b: OcrLine) -> float:
    """The area the two lines' boxes share, as a share of the smaller box's."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top))
    return width * height / max(smaller, 1)


def _holds_centre(box: OcrWord | OcrLine, word: OcrWord, pad: int = 0) -> bool:
    """Whether `word`'s centre lies in `box` grown by `pad` pixels each way."""
    x, y = word.left + word.width / 2, word.top + word.height / 2
    return box.left - pad <= x <= box.right + pad and box.top - pad <= y <= box.bottom + pad


def letters(words: list[OcrWord], sure: bool = False) -> int:
    """Letters and digits in the words (only those read confidently, with `sure`)."""
    return sum(sum(ch.isalnum() for ch in w.text) for w in words if not sure or w.conf >= CONFIDENT_WORD)


def word_confidence(words: list[OcrWord]) -> float:
    """Mean word confidence (0..100) weighted by word length: long words dominate, specks don't."""
    chars = sum(len(w.text) for w in words if w.text.strip())
    if not chars:
        return 0.0
    return sum(w.conf * len(w.text) for w in words if w.text.strip()) / chars


def surety(words: list[OcrWord]) -> float:
    """Confident letters weighted by the mean confidence: how much text a reading found that
    Tesseract is sure of (a sparse reading of noise has a few confident-looking words among
    many unsure ones)."""
    return letters(words, sure=True) * word_confidence(words) / 100.0


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
        _one_thread()
        self.binary = _tesseract_binary()

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = self.binary
        check_languages(options.lang)
        try:
            data = pytesseract.image_to_data(
                image,
                lang=options.lang,
                config=f"--psm {options.psm}",
                output_type=pytesseract.Output.DICT,
                timeout=options.timeout,
            )
        except pytesseract.TesseractError as exc:  # a RuntimeError too: caught before the time-out's
            message = " ".join("".join(ch if ch.isprintable() else " " for ch in str(exc.message)).split())
            how = f"crashed (signal {-exc.status})" if exc.status < 0 else f"failed (status {exc.status})"
            raise OcrEngineError(f"Tesseract {how}: {message[:300]}") from exc
        except RuntimeError as exc:  # pytesseract raises RuntimeError on its time-out
            if "timeout" in str(exc).lower():
                raise OcrTimeoutError(f"Tesseract took longer than {options.timeout:g}s") from exc
            raise OcrEngineError(f"Tesseract failed: {exc}") from exc
        except pytesseract.TesseractNotFoundError as exc:
            raise MissingDependencyError(
                f"Tesseract is not installed or not on PATH; {TESSERACT_INSTALL_HINT}"
            ) from exc
        except (OSError, ValueError) as exc:  # it exited 0 but left no TSV, or one that is not text
            raise OcrEngineError(f"Tesseract gave no usable output ({type(exc).__name__})") from exc
        height, width = image.shape[:2]
        try:
            words = _words_from_data(data)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise OcrEngineError(f"Tesseract gave no usable output ({type(exc).__name__}: {exc})") from exc
        return OcrPage(words=words, width=width, height=height)

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        import pytesseract

        if "osd" not in _languages(self.binary):
            return None
        pytesseract.pytesseract.tesseract_cmd = self.binary
        try:
            osd = pytesseract.image_to_osd(
                image, config="--psm 0 -c min_characters_to_try=10",
                output_type=pytesseract.Output.DICT, timeout=min(options.timeout, 20.0),
            )
        except (pytesseract.TesseractError, RuntimeError):
            return None  # "Too few characters": the caller keeps its own guess
        if float(osd.get("orientation_conf", 0.0)) < MIN_OSD_CONFIDENCE:
            return None
        # "Orientation in degrees" is the clockwise turn of the text as it appears.
        return int(osd["orientation"]) % 360


def _one_thread() -> None:
    """One Tesseract thread per process, unless the user asked otherwise: cardscan's
    parallelism is its process pool, and OpenMP threads on top only fight over the same
    cores. OpenMP reads the variable once, when libtesseract is loaded, so this must run
    before the first `import tesserocr` (and it is inherited by `tesseract` subprocesses)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class TesserocrEngine:
    """libtesseract in-process via tesserocr: the model stays loaded between cards.

    One API per (language, page segmentation mode) per process; the batch runs one process
    per core, so no API is shared between threads. The time-out is Tesseract's own deadline
    (ETEXT_DESC), checked between words during recognition: layout analysis cannot be
    interrupted, so a pathological image can overrun it; the batch's worker-level time-out
    is the backstop.
    """

    name = "tesserocr"

    def __init__(self, tessdata: str | None = None) -> None:
        _one_thread()
        import tesserocr

        self._tesserocr = tesserocr
        path = tessdata or tessdata_dir()
        if path is None:
            raise MissingDependencyError(
                f"no Tesseract language data (tessdata) found; {TESSERACT_INSTALL_HINT}"
            )
        self.tessdata = path.rstrip("/") + "/"
        self._apis: dict[str, Any] = {}  # by model name
        _, available = tesserocr.get_languages(self.tessdata)
        self.languages = frozenset(available)

    def check_languages(self, lang: str) -> None:
        missing = [part for part in lang.split("+") if part not in self.languages]
        if missing:
            raise MissingDependencyError(
                f"Tesseract language data {'+'.join(missing)!r} is not installed in {self.tessdata}; "
                f"{language_install_hint('+'.join(missing))}"
            )

    def preload(self, lang: str) -> None:
        """Load `lang` (and the OSD model) now rather than on the first card."""
        self.check_languages(lang)
        self._api(lang, int(self._tesserocr.PSM.AUTO))
        if "osd" in self.languages:
            self._api("osd", int(self._tesserocr.PSM.OSD_ONLY))

    def _api(self, lang: str, psm: int) -> Any:
        # One API per model, its page segmentation mode set per call: a second API for another
        # mode would hold a second copy of the model (Latin is ~90 MB on disk, more loaded).
        if lang not in self._apis:
            try:
                self._apis[lang] = self._tesserocr.PyTessBaseAPI(path=self.tessdata, lang=lang, psm=psm)
            except RuntimeError as exc:
                raise OcrEngineError(f"libtesseract could not load {lang!r}: {exc}") from exc
        api = self._apis[lang]
        if api.GetPageSegMode() != psm:
            api.SetPageSegMode(psm)
        return api

    def read(self, image: np.ndarray, options: Options) -> OcrPage:
        self.check_languages(options.lang)
        api = self._api(options.lang, options.psm)
        with _native_warnings_silenced():
            _set_image(api, image)
            recognised = api.Recognize(timeout=int(options.timeout * 1000))
        if not recognised:
            raise OcrTimeoutError(f"Tesseract took longer than {options.timeout:g}s (or failed)")
        height, width = image.shape[:2]
        return OcrPage(words=self._words(api), width=width, height=height)

    def _words(self, api: Any) -> list[OcrWord]:
        """The words with the block/paragraph/line numbers of Tesseract's TSV output."""
        RIL = self._tesserocr.RIL
        iterator = api.GetIterator()
        words: list[OcrWord] = []
        if iterator is None:
            return words
        block = paragraph = line = 0
        for word in self._tesserocr.iterate_level(iterator, RIL.WORD):
            if word.Empty(RIL.WORD):
                continue
            # The same numbering as TessBaseAPI::GetTSVText (pytesseract's image_to_data).
            if word.IsAtBeginningOf(RIL.BLOCK):
                block, paragraph, line = block + 1, 0, 0
            if word.IsAtBeginningOf(RIL.PARA):
                paragraph, line = paragraph + 1, 0
            if word.IsAtBeginningOf(RIL.TEXTLINE):
                line += 1
            text = (word.GetUTF8Text(RIL.WORD) or "").strip()
            box = word.BoundingBox(RIL.WORD)
            if not text or box is None:
                continue
            left, top, right, bottom = box
            words.append(OcrWord(
                text=text, left=left, top=top, width=right - left, height=bottom - top,
                conf=float(word.Confidence(RIL.WORD)), block=block, paragraph=paragraph, line=line,
            ))
        return words

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        if "osd" not in self.languages:
            return None
        api = self._api("osd", int(self._tesserocr.PSM.OSD_ONLY))
        try:
            with _native_warnings_silenced():
                _set_image(api, image)
                osd = api.DetectOrientationScript()
        except RuntimeError:
            return None
        if not osd or float(osd.get("orient_conf", 0.0)) < MIN_OSD_CONFIDENCE:
            return None
        # orient_deg is the clockwise turn of the text as it appears.
        return int(osd["orient_deg"]) % 360


@contextmanager
def _native_warnings_silenced() -> Iterator[None]:
    """Leptonica and libtesseract write warnings ("Error in pixScanForForeground: invalid box")
    straight to file descriptor 2, bypassing Python: during a call into libtesseract it points
    at /dev/null, unless CARDSCAN_DEBUG is set. What fails still fails, as an exception."""
    if os.environ.get("CARDSCAN_DEBUG"):
        yield
        return
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
        finally:
            os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _set_image(api: Any, image: np.ndarray) -> None:
    """Hand libtesseract the pixels directly: no PNG round trip."""
    import numpy as np

    pixels = np.ascontiguousarray(image if image.ndim == 2 else image[:, :, ::-1])  # BGR -> RGB
    height, width = pixels.shape[:2]
    depth = 1 if pixels.ndim == 2 else pixels.shape[2]
    api.SetImageBytes(pixels.tobytes(), width, height, depth, width * depth)


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

    def orientation(self, image: np.ndarray, options: Options) -> int | None:
        return None


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


def preload(options: Options) -> None:
    """Load the engine `options` names, and its models, now: a batch does it once before it
    forks its workers, which then share the loaded model's memory."""
    engine = get_engine(options)
    load = getattr(engine, "preload", None)
    if load is not None:
        load(options.lang)


def tesserocr_available(lang: str) -> bool:
    """Whether tesserocr imports and the system tessdata holds every model `lang` names."""
    _one_thread()
    try:
        import tesserocr
    except ImportError:
        return False
    path = tessdata_dir()
    if path is None:
        return False
    try:
        _, available = tesserocr.get_languages(path.rstrip("/") + "/")
    except RuntimeError:
        return False
    return all(part in available for part in lang.split("+"))


def get_engine(options: Options) -> OcrEngine:
    """The engine `options.engine` names; one per process, reused between cards.

    `auto` prefers the in-process tesserocr (no process start and model load per card) when
    it is installed and the requested models are in its tessdata, else the tesseract command.
    """
    name = options.engine
    if name == "auto":
        # The models tesserocr loads are the system Tesseract's: without the `tesseract`
        # command the installation is incomplete, so say how to install it (exit 3).
        _tesseract_binary()
        name = "tesserocr" if tesserocr_available(options.lang) else "pytesseract"
    if name not in _ENGINES:
        if name == "pytesseract":
            _ENGINES[name] = PytesseractEngine()
        elif name == "tesserocr":
            try:
                _ENGINES[name] = TesserocrEngine()
            except ImportError as exc:
                raise MissingDependencyError(
                    "--engine tesserocr needs the tesserocr package: pip install 'cardscan[fast]' "
                    "(or pip install tesserocr)"
                ) from exc
        else:
            raise MissingDependencyError(f"unknown OCR engine {name!r}")
    return _ENGINES[name]
