"""What on the back of a card is a note: the text that is not contact details and not OCR debris.

The parser hands over the back-side lines it did not use as contact details; this module drops
- debris: words Tesseract itself doubts (low confidence), lone symbols and specks read as
  letters, lines that are mostly such fragments;
- repeats: lines that say again what the contact already holds (company, name, title, emails,
  websites, phone numbers, address) — a printed back often repeats the company as a heading;
and joins what is left, one line per written line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from cardscan.model import Contact, OcrLine, OcrWord

# Tesseract's word confidence (0..100) under which a word is more likely noise than writing.
# Handwriting reads with lower confidence than print, so this stays well under print levels.
MIN_WORD_CONF = 30.0
# A short word read with little confidence is usually a speck, a logo edge or a pen stroke.
MIN_SHORT_WORD_CONF = 55.0
# A line is debris when its words average under this confidence (0..1).
MIN_LINE_CONF = 0.35
# Share of a line's tokens found among the contact's own details for it to count as a repeat.
REPEAT_SHARE = 0.75

_WORDISH = re.compile(r"[^\W_]", re.UNICODE)
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_URL = re.compile(r"(?:https?\W*|www\.)\S+|\S+\.(?:com|net|org|io|co|de|fr|es|it|nl|uk|us|ca|au|eu)\b\S*",
                  re.IGNORECASE)
_DATA = Path(__file__).with_name("data")


@cache
def detail_labels() -> frozenset[str]:
    """Labels such as `Tel.`, `E:`, `Portable` (data/detail_labels.txt), folded."""
    text = (_DATA / "detail_labels.txt").read_text(encoding="utf-8")
    return frozenset(
        _plain(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _plain(text: str) -> str:
    """Case- and accent-folded: OCR drops accents (`Íñigo` -> `Inigo`) as often as it keeps them."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+", _plain(text)) if t]


def _contact_tokens(contact: Contact) -> set[str]:
    parts: list[str] = [
        contact.name or "", contact.given_name or "", contact.middle_name or "",
        contact.family_name or "", contact.title or "", contact.department or "",
        contact.company or "", contact.address or "", *contact.emails, *contact.websites,
    ]
    parts += [phone.raw for phone in contact.phones]
    parts += [social.handle for social in contact.social]
    # Labels ("Cell", "Office") are not details: "call Eva" must not match "Cell" by one slip.
    return {token for part in parts for token in _tokens(part)} - detail_labels()


def _near(token: str, known: set[str]) -> bool:
    """Known, or one OCR slip away from a known word (two for long words): `Rodroguez`."""
    if token in known:
        return True
    # Short words are one slip away from too many others ("call", "cell"); house numbers and
    # postcodes are not ("231" for "331").
    shortest = 3 if token.isdigit() else 5
    if len(token) < shortest:
        return False
    allowed = 1 if len(token) < 8 else 2
    return any(abs(len(k) - len(token)) <= allowed and _distance(token, k, allowed) <= allowed
               for k in known if len(k) >= shortest and k.isdigit() == token.isdigit())


def _distance(a: str, b: str, cap: int) -> int:
    """Levenshtein distance, giving up (returning cap + 1) once it exceeds `cap`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > cap:
            return cap + 1
        previous = current
    return previous[-1]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _keep_word(word: OcrWord) -> bool:
    text = word.text.strip()
    if not _WORDISH.search(text):
        return False  # a lone symbol: "~", "|", "—", "•"
    if word.conf < MIN_WORD_CONF:
        return False
    alnum = sum(ch.isalnum() for ch in text)
    return not (alnum <= 2 and word.conf < MIN_SHORT_WORD_CONF and not text.isdigit())


def _is_repeat(
    text: str, known: set[str], front_lines: list[set[str]], phone_digits: set[str]
) -> bool:
    """A line that says again what the card already says: the contact's details (with their
    labels, an OCR slip allowed), a phone or e-mail line, or a line of the front's text."""
    digits = _digits(text)
    if len(digits) >= 7 and any(d and (d in digits or digits[-9:] in d) for d in phone_digits):
        return True
    rest = _URL.sub(" ", _EMAIL.sub(" ", text))
    addresses = rest != text
    tokens = _tokens(rest)
    labels = detail_labels()
    words = [t for t in tokens if t not in labels]
    if not words:
        return addresses or bool(tokens)  # "E: jane@acme.com", or labels alone
    if len(words) >= 2 and sum(_near(t, known) for t in words) / len(words) >= REPEAT_SHARE:
        return True
    if len(words) == 1 and words[0] in known:
        return True  # "Associate", "Tel: 0467": a detail on its own
    original = _tokens(text)
    # A printed back often repeats a front line (the tagline), more or less well read.
    if len(original) == 1:
        return any(line == set(original) for line in front_lines)
    return any(sum(t in line for t in original) / len(original) >= REPEAT_SHARE for line in front_lines)


class _Repeats:
    """What a contact already says, to tell a note from a repeat of the card's details."""

    def __init__(self, contact: Contact) -> None:
        self.known = _contact_tokens(contact)
        front_text = contact.raw_text.get("front") or ""
        self.front_lines = [set(_tokens(line)) for line in front_text.splitlines() if line.strip()]
        self.phone_digits = {
            _digits(p.number)[-9:] for p in contact.phones if len(_digits(p.number)) >= 7
        }

    def __contains__(self, text: str) -> bool:
        return _is_repeat(text, self.known, self.front_lines, self.phone_digits)


def drop_repeats(notes: str | None, contact: Contact) -> str | None:
    """The note without the lines that repeat the contact's (final) details.

    The pipeline runs this once every field is known: a line such as a name read on the back
    may only be recognisable as a repeat after the back has filled in the front's fields.
    """
    if not notes:
        return None
    repeats = _Repeats(contact)
    kept = [line for line in notes.splitlines() if line.strip() and line.strip() not in repeats]
    return "\n".join(kept) if kept else None


def note_lines(lines: list[OcrLine], contact: Contact) -> list[str]:
    """The lines of a note, cleaned, in reading order (the order given)."""
    repeats = _Repeats(contact)
    kept: list[str] = []
    for line in lines:
        if not line.words or line.conf < MIN_LINE_CONF:
            continue
        words = [w for w in line.words if _keep_word(w)]
        if not words:
            continue
        text = " ".join(w.text for w in words).strip()
        if sum(ch.isalnum() for ch in text) < 3:
            continue  # "a", "Il", "—ee": marks on the card, not writing
        if text in repeats:
            continue
        kept.append(text)
    return kept


def notes_from_lines(lines: list[OcrLine], contact: Contact) -> str | None:
    """The note written or printed on the back, from the lines the parser did not use; None when
    nothing but debris and repeats of the contact's details is left."""
    kept = note_lines(lines, contact)
    return "\n".join(kept) if kept else None


def join_notes(*parts: str | None) -> str | None:
    """Notes from several places (the back, a sidecar file) as one text; None when all are empty."""
    texts = [p.strip() for p in parts if p and p.strip()]
    return "\n\n".join(texts) if texts else None
