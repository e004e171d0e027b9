"""What the review page may change on a contact, and how an edit becomes a corrected contact.

Pure: a contact and the submitted fields in, the corrected contact and the list of corrections
out. Every value is checked the way the pipeline would have written it (E.164 phones, lower-case
e-mails, websites without a scheme, ISO dates), so a corrected contact is still a valid contact.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers

from cardscan.model import PHONE_KINDS, Contact, Phone

# The fields the page shows and edits, in the order it shows them.
TEXT_FIELDS = ("name", "title", "company", "address", "region", "notes", "follow_up_on")
LIST_FIELDS = ("emails", "phones", "websites")
EDITABLE = ("name", "title", "company", "emails", "phones", "websites", "address", "region", "notes",
            "follow_up_on")

# A field whose confidence is below this is marked on the page, and a card with one is doubtful.
LOW_CONFIDENCE = 0.6

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass
class FieldError(ValueError):
    """A submitted value that cannot be stored; `field` names the input the page should focus."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def editable_fields(contact: Contact) -> dict[str, Any]:
    """The contact as the page edits it: text fields as strings ("" when empty), lists as lists."""
    fields: dict[str, Any] = {name: getattr(contact, name) or "" for name in TEXT_FIELDS}
    fields["emails"] = list(contact.emails)
    fields["websites"] = list(contact.websites)
    fields["phones"] = [{"number": p.number, "kind": p.kind} for p in contact.phones]
    return fields


def low_fields(contact: Contact, threshold: float = LOW_CONFIDENCE) -> list[str]:
    """The editable fields the reader was unsure of (confidence below `threshold`)."""
    return [name for name in EDITABLE
            if name in contact.confidence and contact.confidence[name] < threshold]


def apply_edit(contact: Contact, submitted: dict[str, Any]) -> tuple[Contact, dict[str, tuple[Any, Any]]]:
    """The contact with the submitted fields applied, and `{field: (before, after)}` for each change.

    Fields not submitted stay as they are. Raises FieldError for a value that cannot be stored.
    """
    unknown = sorted(set(submitted) - set(EDITABLE))
    if unknown:
        raise FieldError(unknown[0], "not a field the review page can change")
    corrected = copy.deepcopy(contact)
    changes: dict[str, tuple[Any, Any]] = {}
    region = _region(submitted["region"]) if "region" in submitted else contact.region
    for name, value in submitted.items():
        if name == "phones":
            new_value: Any = _phones(value, region or "US", contact.phones)
        elif name in LIST_FIELDS:
            new_value = _strings(name, value)
        else:
            new_value = _text(name, value)
        old_value = getattr(contact, name)
        if _shown(name, old_value) == _shown(name, new_value):
            continue
        setattr(corrected, name, new_value)
        changes[name] = (_plain(old_value), _plain(new_value))
        if name in contact.confidence:
            # A person typed this value: it is as sure as the page can make it.
            corrected.confidence[name] = 1.0
    if "name" in changes:
        _split_name(corrected)
    if "address" in changes:
        # The parts were read from the old address; stale parts would contradict the new one.
        corrected.address_parts = None
    return corrected, changes


def _plain(value: Any) -> Any:
    """A field's value as JSON (phones without their raw OCR text)."""
    if isinstance(value, list):
        return [{"number": v.number, "kind": v.kind} if isinstance(v, Phone) else v for v in value]
    return value


def _shown(name: str, value: Any) -> Any:
    """A field's value as the page shows it, so that None and "" are the same edit."""
    if name in LIST_FIELDS:
        return _plain(value or [])
    return value or ""


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(name, "expected text")
    text = value.strip()
    if name == "region":
        return _region(text)
    if name == "follow_up_on":
        return _date(text)
    if name in ("notes", "address"):
        # Keep the user's line breaks, drop trailing blanks on each line.
        text = "\n".join(line.rstrip() for line in text.splitlines()).strip()
    else:
        text = " ".join(text.split())
    return text or None


def _region(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise FieldError("region", "expected a country code")
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise FieldError("region", f"{value.strip()!r} is not an ISO 3166 country code")
    return code


def _date(text: str) -> str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldError("follow_up_on", f"{text!r} is not a date (YYYY-MM-DD)") from None


def _strings(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(name, "expected a list of text lines")
    out: list[str] = []
    for raw in value:
        item = raw.strip()
        if not item:
            continue
        if name == "emails":
            item = item.lower()
            if not _EMAIL.match(item):
                raise FieldError(name, f"{raw.strip()!r} is not an e-mail address")
        elif name == "websites":
            item = _SCHEME.sub("", item).rstrip("/")
            if not item or any(c.isspace() for c in item):
                raise FieldError(name, f"{raw.strip()!r} is not a web address")
        if item not in out:
            out.append(item)
    return out


def _phones(value: Any, region: str, machine: list[Phone]) -> list[Phone]:
    if not isinstance(value, list):
        raise FieldError("phones", "expected a list of phone numbers")
    raw_by_number = {p.number: p.raw for p in machine}
    phones: list[Phone] = []
    for item in value:
        if isinstance(item, str):
            item = {"number": item}
        if not isinstance(item, dict) or not isinstance(item.get("number"), str):
            raise FieldError("phones", "expected {number, kind} objects")
        typed = item["number"].strip()
        if not typed:
            continue
        kind = item.get("kind") or "work"
        if kind not in PHONE_KINDS:
            raise FieldError("phones", f"kind {kind!r} is not one of {', '.join(PHONE_KINDS)}")
        try:
            parsed = phonenumbers.parse(typed, region)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            raise FieldError("phones", f"{typed!r} is not a phone number (for region {region})")
        number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if any(p.number == number for p in phones):
            continue
        phones.append(Phone(number=number, kind=kind, raw=raw_by_number.get(number, typed)))
    return phones


def _split_name(contact: Contact) -> None:
    from nameparser import HumanName

    if not contact.name:
        contact.given_name = contact.middle_name = contact.family_name = None
        return
    parts = HumanName(contact.name)
    contact.given_name = parts.first or None
    contact.middle_name = parts.middle or None
    contact.family_name = parts.last or None
