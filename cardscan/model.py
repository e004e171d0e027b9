"""The things cardscan passes between stages: OCR words and pages, cards, contacts.

Plain dataclasses; `Contact.to_dict()` is exactly the contact JSON of CONTRACT.md.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

PHONE_KINDS = ("work", "mobile", "fax", "other")


@dataclass(frozen=True)
class OcrWord:
    """One word as the OCR engine read it; box in pixels of the image it was read from."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..100, Tesseract's scale
    block: int = 0
    paragraph: int = 0
    line: int = 0

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def on_line_of(self, other: OcrWord) -> OcrWord:
        """This word numbered as on `other`'s line: its place in the reading order."""
        return replace(self, block=other.block, paragraph=other.paragraph, line=other.line)


class WordBox:
    """The box, glyph height and confidence of a run of OCR words (a line, or a piece of one)."""

    words: list[OcrWord]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> int:
        """Glyph height: the median word height, robust to one tall logo glyph."""
        heights = sorted(w.height for w in self.words)
        return heights[len(heights) // 2]

    @property
    def conf(self) -> float:
        """Mean word confidence, 0..1 (Tesseract's -1, "no confidence", counts as 0)."""
        return sum(max(0.0, w.conf) for w in self.words) / (100.0 * len(self.words))

    @property
    def block(self) -> int:
        return self.words[0].block


@dataclass
class OcrLine(WordBox):
    """Words Tesseract put on one text line, left to right."""

    words: list[OcrWord]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)



@dataclass
class OcrPage:
    """What the OCR engine read from one side of a card."""

    words: list[OcrWord]
    width: int
    height: int
    lines: list[OcrLine] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines and self.words:
            self.lines = group_lines(self.words)

    @property
    def text(self) -> str:
        """All text in Tesseract's reading order: block by block, so the columns of a
        two-column card stay whole instead of interleaving line by line."""
        ordered = sorted(
            (line for line in self.lines if line.words),
            key=lambda line: (line.block, line.words[0].paragraph, line.words[0].line, line.top),
        )
        return "\n".join(line.text for line in ordered)

    def to_dict(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "words": [asdict(w) for w in self.words],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OcrPage:
        words = [OcrWord(**w) for w in data["words"]]
        return cls(words=words, width=int(data["width"]), height=int(data["height"]))


def group_lines(words: list[OcrWord]) -> list[OcrLine]:
    """Group words into lines by Tesseract's (block, paragraph, line) ids, in reading order."""
    groups: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        if word.text.strip():
            groups.setdefault((word.block, word.paragraph, word.line), []).append(word)
    lines = [OcrLine(sorted(ws, key=lambda w: w.left)) for ws in groups.values()]
    lines.sort(key=lambda line: (line.top, line.left))
    return lines


@dataclass
class Phone:
    number: str  # E.164
    kind: str = "work"  # one of PHONE_KINDS
    raw: str = ""


@dataclass
class Social:
    service: str
    handle: str


@dataclass
class Card:
    """One physical card: the photo of its front and, when there is one, of its back."""

    front: Path
    back: Path | None = None
    sidecar: Path | None = None  # X.txt / X.md beside the photo: the user's own notes
    page: int = 0  # page of a multi-page TIFF/PDF the front is on

    @property
    def label(self) -> str:
        suffix = f"#page{self.page + 1}" if self.page else ""
        return f"{self.front}{suffix}"


@dataclass
class Contact:
    id: str = ""
    name: str | None = None
    given_name: str | None = None
    middle_name: str | None = None
    family_name: str | None = None
    title: str | None = None
    department: str | None = None
    company: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    address: str | None = None
    address_parts: dict[str, str | None] | None = None
    social: list[Social] = field(default_factory=list)
    notes: str | None = None
    event: str | None = None
    met_on: str | None = None
    follow_up_on: str | None = None
    region: str | None = None
    images: dict[str, str | None] = field(default_factory=lambda: {"front": None, "back": None})
    confidence: dict[str, float] = field(default_factory=dict)
    raw_text: dict[str, str | None] = field(default_factory=lambda: {"front": None, "back": None})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contact:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["phones"] = [Phone(**p) for p in known.get("phones") or []]
        known["social"] = [Social(**s) for s in known.get("social") or []]
        return cls(**known)


CONTACT_KEYS = tuple(Contact.__dataclass_fields__)


def image_id(data: bytes) -> str:
    """The contract's stable id: sha256 of the front image bytes, first 16 hex digits."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass
class CardResult:
    """What became of one card: a contact, or the reason it failed (never both)."""

    card: Card
    contact: Contact | None = None
    error: str | None = None
    exit_code: int = 0
    diagnostics: dict[str, Any] = field(default_factory=dict)


def path_text(path: Path | str) -> str:
    """A path as text that can be stored and exported (UTF-8): a file name that is not valid
    UTF-8 (a Windows or old Mac name synced to Linux) shows its odd bytes as `\\xNN`, instead
    of carrying lone surrogates that SQLite, CSV and JSON writers refuse."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text
