"""vCard: one .vcf holding every contact, 3.0 (RFC 2426) by default or 4.0 (RFC 6350).

The cards are built and escaped by vobject; this module only chooses the properties and their
TYPEs. Two things vobject leaves undone are done here, after it serialises: lines it did not
fold because it counted characters instead of octets (`山田…`), and the PHOTO line it never
folds (an old Apple Address Book quirk), are folded at 75 octets as both RFCs require.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import vobject

from cardscan import __version__
from cardscan.export.fields import display_name, is_company_only, name_parts
from cardscan.model import Contact

VERSIONS = (3, 4)
LINE_OCTETS = 75
PRODID = f"-//cardscan//cardscan {__version__}//EN"
PHOTO_LONG_SIDE = 480  # pixels: plenty for a contact picture, ~30 KB as JPEG
PHOTO_QUALITY = 80

TEL_TYPES = {"work": ["work", "voice"], "mobile": ["cell", "voice"], "fax": ["work", "fax"],
             "other": ["voice"]}


def write_vcard(
    contacts: Iterable[Contact], out: IO[str], version: int = 3, with_photo: bool = False
) -> None:
    """Write every contact as a vCard; `out` must not translate newlines (CRLF is written)."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version {version} is not one of {VERSIONS}")
    for contact in contacts:
        out.write(fold(vcard(contact, version, with_photo).serialize(lineLength=LINE_OCTETS)))


def vcard(contact: Contact, version: int = 3, with_photo: bool = False) -> Any:
    """The contact as a vobject vCard component."""
    contact = Contact.from_dict(_cleaned(contact.to_dict()))
    card = vobject.vCard()
    card.add("version").value = f"{version}.0"
    card.add("prodid").value = PRODID
    card.add("fn").value = display_name(contact)
    given, middle, family = name_parts(contact)
    # N is required in 3.0; a company's card has an empty one, and the app shows the company.
    card.add("n").value = vobject.vcard.Name(family=family, given=given, additional=middle)
    if is_company_only(contact):
        if version == 3:
            card.add("x-abshowas").value = "COMPANY"
        else:
            card.add("kind").value = "org"
    if contact.company or contact.department:
        card.add("org").value = [contact.company or ""] + ([contact.department] if contact.department else [])
    if contact.title:
        card.add("title").value = contact.title
    for phone in contact.phones:
        tel = card.add("tel")
        tel.type_param = TEL_TYPES.get(phone.kind, ["voice"])
        if version == 3:
            tel.value = phone.number
        else:
            tel.value = f"tel:{phone.number}"
            tel.value_param = "uri"
    for email in contact.emails:
        line = card.add("email")
        line.value = email
        line.type_param = ["internet", "work"] if version == 3 else ["work"]
    for website in contact.websites:
        card.add("url").value = website
    if contact.address or contact.address_parts:
        _add_address(card, contact)
    for social in contact.social:
        profile = card.add("x-socialprofile")
        profile.value = social.handle
        profile.type_param = social.service
    if contact.notes:
        card.add("note").value = contact.notes
    if contact.event:
        card.add("categories").value = [contact.event]
    if with_photo:
        jpeg = card_photo(contact)
        if jpeg is not None:
            _add_photo(card, jpeg, version)
    return card


def _add_address(card: Any, contact: Contact) -> None:
    parts = contact.address_parts or {}
    street = parts.get("street") or ""
    if not any(parts.values()) and contact.address:
        street = contact.address  # unsplit: better whole in the street than lost
    adr = card.add("adr")
    adr.value = vobject.vcard.Address(
        street=street, city=parts.get("city") or "", region=parts.get("region") or "",
        code=parts.get("postcode") or "", country=parts.get("country") or "",
    )
    adr.type_param = "work"


def _add_photo(card: Any, jpeg: bytes, version: int) -> None:
    photo = card.add("photo")
    if version == 3:
        photo.value = jpeg
        photo.encoding_param = "b"
        photo.type_param = "JPEG"
    else:
        photo.value = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
        photo.encoded = True  # a URI: its `;` and `,` must not be backslash-escaped as text


def card_photo(contact: Contact) -> bytes | None:
    """The card's front photo as a small upright JPEG, or None when there is no readable one."""
    front = contact.images.get("front")
    if not front or not Path(front).is_file():
        return None
    import cv2

    from cardscan.errors import InputError
    from cardscan.image import load, scale_long_side

    try:
        image = load(Path(front))
    except InputError:
        return None
    if max(image.shape[:2]) > PHOTO_LONG_SIDE:
        image = scale_long_side(image, PHOTO_LONG_SIDE)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PHOTO_QUALITY])
    return encoded.tobytes() if ok else None


# Control characters are not allowed in a vCard value (RFC 6350 §3.3); OCR of a smudge can
# still produce one. Line breaks become `\n`, escaped by vobject; tabs stay.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def clean_text(text: str) -> str:
    """`text` with every line break as LF and no control characters."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROLS)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    return value


def fold(serialised: str) -> str:
    """Fold every physical line longer than 75 octets, never inside a UTF-8 character."""
    lines = serialised.split("\r\n")
    out: list[str] = []
    for line in lines:
        if len(line.encode("utf-8")) <= LINE_OCTETS:
            out.append(line)
            continue
        chunk: list[str] = []
        octets = 0
        for char in line:
            size = len(char.encode("utf-8"))
            if octets + size > LINE_OCTETS:
                out.append("".join(chunk))
                chunk, octets = [" "], 1
            chunk.append(char)
            octets += size
        out.append("".join(chunk))
    return "\r\n".join(out)
