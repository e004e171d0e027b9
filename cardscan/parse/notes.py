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

from cardscan.model import Contact, OcrLine, OcrWord

# Tesseract's word confidence (0..100) under which a word is more likely noise than writing.
# Handwriting reads with lower confidence than print, so this stays well under print levels.
MIN_WORD_CONF = 30.0
# A short word read with little confidence is usually a speck, a logo edge or a pen stroke.
MIN_SHORT_WORD_CONF = 55.0
# A line is debris when its words average under this confidence (0..1).
MIN_LINE_CONF = 0.45
# Share of a line's tokens found among the contact's own details for it to count as a repeat.
REPEAT_SHARE = 0.75

_WORDISH = re.compile(r"[^\W_]", re.UNICODE)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s@.+]", " ", text).split())


def _tokens(text: str) -> list[str]:
    return [t.strip(".") for t in re.split(r"[\s/|,;:()\[\]]+", _fold(text)) if t.strip(".")]


def _contact_tokens(contact: Contact) -> set[str]:
    parts: list[str] = [
        contact.name or "", contact.given_name or "", contact.family_name or "", contact.title or "",
        contact.department or "", contact.company or "", contact.address or "",
        *contact.emails, *contact.websites,
    ]
    for phone in contact.phones:
        parts.append(phone.raw)
    for social in contact.social:
        parts.append(social.handle)
    tokens: set[str] = set()
    for part in parts:
        tokens.update(_tokens(part))
        # `www.acme.com` also covers a heading `ACME` and an `acme.com` printed on the back
        for token in _tokens(part):
            tokens.update(t for t in re.split(r"[.@]", token) if len(t) > 2)
            tokens.add(token.removeprefix("www.").rsplit("@", 1)[-1])
    return tokens


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


def _is_repeat(text: str, known: set[str], phone_digits: set[str]) -> bool:
    tokens = _tokens(text)
    if not tokens:
        return True
    digits = _digits(text)
    if len(digits) >= 7 and any(digits in d or d in digits for d in phone_digits):
        return True
    repeated = sum(1 for t in tokens if t in known)
    return repeated / len(tokens) >= REPEAT_SHARE


def note_lines(lines: list[OcrLine], contact: Contact) -> list[str]:
    """The lines of a note, cleaned, in reading order (the order given)."""
    known = _contact_tokens(contact)
    phone_digits = {_digits(p.number)[-9:] for p in contact.phones if len(_digits(p.number)) >= 7}
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
        if _is_repeat(text, known, phone_digits):
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
