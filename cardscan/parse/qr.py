"""QR codes on the card: decode them (OpenCV) and read vCard, MECARD and URL payloads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from cardscan.model import Phone

QR_LONG_SIDE = 1600  # the detector is quick and reliable at about this size


@dataclass
class QrContact:
    """What a QR code says about the contact; empty fields are unknown."""

    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    middle_name: str | None = None
    title: str | None = None
    company: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    address: str | None = None
    note: str | None = None


def decode(image: np.ndarray) -> list[str]:
    """The text payloads of the QR codes found in a photo (BGR or grayscale); [] when none."""
    import cv2

    if image is None or image.size == 0:
        return []
    height, width = image.shape[:2]
    scale = min(1.0, QR_LONG_SIDE / max(height, width))
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)  # the detector works on gray anyway
    if scale < 1.0:
        from cardscan.imaging.detect import shrink

        image = shrink(image, scale)
    payloads: list[str] = []
    try:
        # The ArUco-based detector finds finder patterns 3-4x faster than the classic one
        # (about 15 ms on a card without a code) and found every code the classic one did.
        found, texts, _, _ = cv2.QRCodeDetectorAruco().detectAndDecodeMulti(image)
        if not found:
            return []  # most cards: no code, and no second search for one
        payloads.extend(t for t in texts if t)
        if not payloads:  # a code was seen but not read: try the classic decoder too
            text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
            if text:
                payloads.append(text)
    except cv2.error:
        return []
    return list(dict.fromkeys(payloads))


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,:nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value).strip()


def _split_unescaped(value: str, sep: str) -> list[str]:
    return [_unescape(p) for p in re.split(rf"(?<!\\){re.escape(sep)}", value)]


def _phone(value: str, types: str) -> Phone | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None if value.strip().startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    types = types.lower()
    kind = "work"
    if "fax" in types:
        kind = "fax"
    elif "cell" in types or "mobile" in types:
        kind = "mobile"
    elif "home" in types:
        kind = "other"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(number=e164, kind=kind, raw=value.strip())


def _site(url: str) -> str:
    return re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE).rstrip("/")


def parse_vcard(text: str) -> QrContact:
    contact = QrContact()
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    for raw_line in unfolded.splitlines():
        if ":" not in raw_line:
            continue
        key, _, value = raw_line.partition(":")
        name, *params = key.split(";")
        name = name.upper().split(".")[-1]
        param_text = ";".join(params)
        if name == "FN":
            contact.name = _unescape(value) or contact.name
        elif name == "N":
            pieces = [*_split_unescaped(value, ";"), "", "", ""]
            contact.family_name = pieces[0] or None
            contact.given_name = pieces[1] or None
            contact.middle_name = pieces[2] or None
        elif name == "ORG":
            contact.company = _split_unescaped(value, ";")[0] or None
        elif name == "TITLE":
            contact.title = _unescape(value) or None
        elif name == "EMAIL" and "@" in value:
            contact.emails.append(_unescape(value).lower())
        elif name == "TEL":
            phone = _phone(_unescape(value), param_text)
            if phone:
                contact.phones.append(phone)
        elif name == "URL" and value.strip():
            contact.websites.append(_site(_unescape(value)))
        elif name == "ADR":
            pieces = [p for p in _split_unescaped(value, ";") if p]
            contact.address = ", ".join(pieces) or None
        elif name == "NOTE":
            contact.note = _unescape(value) or None
    if not contact.name and (contact.given_name or contact.family_name):
        names = (contact.given_name, contact.middle_name, contact.family_name)
        contact.name = " ".join(p for p in names if p)
    return contact


def parse_mecard(text: str) -> QrContact:
    contact = QrContact()
    body = text.split(":", 1)[1] if ":" in text else text
    for item in _split_unescaped(body, ";"):
        if ":" not in item:
            continue
        key, _, value = item.partition(":")
        key = key.upper()
        if not value:
            continue
        if key == "N":
            family, _, given = value.partition(",")
            contact.family_name, contact.given_name = family.strip() or None, given.strip() or None
            contact.name = " ".join(p for p in (contact.given_name, contact.family_name) if p)
        elif key == "TEL":
            phone = _phone(value, "")
            if phone:
                contact.phones.append(phone)
        elif key == "EMAIL":
            contact.emails.append(value.lower())
        elif key == "URL":
            contact.websites.append(_site(value))
        elif key == "ORG":
            contact.company = value
        elif key == "TITLE":
            contact.title = value
        elif key == "ADR":
            contact.address = value
        elif key == "NOTE":
            contact.note = value
    return contact


def parse_payload(text: str) -> QrContact | None:
    """A QR payload as contact details: vCard, MECARD or a bare URL; None for anything else."""
    stripped = text.strip()
    upper = stripped.upper()
    if upper.startswith("BEGIN:VCARD"):
        return parse_vcard(stripped)
    if upper.startswith("MECARD:"):
        return parse_mecard(stripped)
    if re.match(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", stripped, re.IGNORECASE):
        return QrContact(websites=[_site(stripped)])
    return None
