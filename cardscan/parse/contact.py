"""From the OCR pages of a card's two sides to a Contact (first, simple version)."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from cardscan.model import Contact, OcrLine, OcrPage, Phone
from cardscan.options import Options

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
WEB_RE = re.compile(
    r"\b(?:https?://)?((?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[\w./-]*)?)",
    re.IGNORECASE,
)
FAX_LABEL = re.compile(r"\b(f|fax|telefax)\b\.?:?", re.IGNORECASE)
MOBILE_LABEL = re.compile(r"\b(m|mob|mobile|cell|c|handy|portable)\b\.?:?", re.IGNORECASE)


def _emails(text: str) -> list[str]:
    found = []
    for match in EMAIL_RE.finditer(text):
        try:
            email = validate_email(match.group(0), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            continue
        if email not in found:
            found.append(email)
    return found


def _phones(lines: list[OcrLine], region: str) -> list[Phone]:
    phones: list[Phone] = []
    for line in lines:
        text = line.text
        if "@" in text:
            continue
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            label = text[: match.start].strip()
            kind = "work"
            if FAX_LABEL.search(label[-10:]):
                kind = "fax"
            elif MOBILE_LABEL.search(label[-10:]):
                kind = "mobile"
            if all(p.number != number for p in phones):
                phones.append(Phone(number=number, kind=kind, raw=text.strip()))
    return phones


def _websites(text: str, emails: list[str]) -> list[str]:
    email_spans = [m.span() for m in EMAIL_RE.finditer(text)]
    found = []
    for match in WEB_RE.finditer(text):
        if any(s <= match.start() < e for s, e in email_spans):
            continue
        site = match.group(1).rstrip("/.")
        if site not in found:
            found.append(site)
    return found


def parse_contact(front: OcrPage, back: OcrPage | None, options: Options) -> Contact:
    region = options.region or "US"
    text = front.text
    emails = _emails(text)
    contact = Contact(
        emails=emails,
        phones=_phones(front.lines, region),
        websites=_websites(text, emails),
        region=region,
    )
    contact.raw_text = {"front": text, "back": back.text if back else None}
    return contact
