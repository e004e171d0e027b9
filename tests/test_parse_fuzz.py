"""Property test: arbitrary OCR text never crashes the parser (make fuzz runs 10000 examples)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardscan.model import Contact, OcrPage, OcrWord
from cardscan.parse import parse_contact
from cardscan.parse.qr import parse_payload

EXAMPLES = int(os.environ.get("CARDSCAN_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like cards: digits, '+', '@', dots, labels, accents, separators, other scripts.
ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("+@.,:;/-()|•·&'#©ßäöüéèçñİıŞğÆŒ–—_~\"") + ["(at)", "www.", ".com", "Tel", "Fax", "M:", " "]
    + list("日本語中文한국어العربيةहिन्दी") + ["\u200b", "\t", "\x00", "\ufeff"]
)
WORD = st.lists(ALPHABET, min_size=1, max_size=8).map("".join)


@st.composite
def pages(draw: st.DrawFn) -> OcrPage:
    words = []
    for line in range(draw(st.integers(0, 8))):
        left = draw(st.integers(0, 50))
        height = draw(st.integers(1, 80))
        for _ in range(draw(st.integers(1, 5))):
            text = draw(WORD)
            width = draw(st.integers(1, 400))
            conf = draw(st.floats(-1, 100, allow_nan=False))
            words.append(OcrWord(text, left, line * 60 + draw(st.integers(0, 10)), width, height, conf,
                                 block=draw(st.integers(0, 3)), paragraph=1, line=line))
            left += width + draw(st.integers(0, 300))
    return OcrPage(words=words, width=1000, height=800)


@FUZZ
@given(front=pages(), back=st.none() | pages(), qr=st.lists(st.text(max_size=200), max_size=2))
def test_fuzz_parse_contact_never_crashes(front: OcrPage, back: OcrPage | None, qr: list[str]) -> None:
    contact = parse_contact(front, back, qr=qr)
    assert isinstance(contact, Contact)
    assert contact.region
    assert all(p.number.startswith("+") for p in contact.phones)
    assert all(p.kind in ("work", "mobile", "fax", "other") for p in contact.phones)
    assert all(e == e.lower() and "@" in e for e in contact.emails)
    assert all(0.0 <= v <= 1.0 for v in contact.confidence.values())


@FUZZ
@given(text=st.text(max_size=300))
def test_fuzz_qr_payloads_never_crash(text: str) -> None:
    for prefix in ("", "BEGIN:VCARD\n", "MECARD:"):
        parse_payload(prefix + text)
