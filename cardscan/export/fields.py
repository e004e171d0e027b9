"""Contact fields as the address-book formats want them: name parts, and the notes that carry
whatever a format has no column for (so nothing on the card is lost on the way)."""

from __future__ import annotations

from collections.abc import Iterable

from cardscan.model import Contact

PHONE_WORDS = {"work": "Work phone", "mobile": "Mobile", "fax": "Fax", "other": "Phone"}


def name_parts(contact: Contact) -> tuple[str, str, str]:
    """(given, middle, family); a name the parser could not split goes whole into `given`."""
    given, middle, family = contact.given_name or "", contact.middle_name or "", contact.family_name or ""
    if not (given or middle or family) and contact.name:
        given = contact.name
    return given, middle, family


def display_name(contact: Contact) -> str:
    """What an address book lists the contact under: the name, else the company, else an email."""
    given, middle, family = name_parts(contact)
    joined = " ".join(part for part in (given, middle, family) if part)
    return contact.name or joined or contact.company or (contact.emails[0] if contact.emails else "")


def is_company_only(contact: Contact) -> bool:
    return not (contact.name or contact.given_name or contact.family_name) and bool(contact.company)


def notes_with(contact: Contact, extras: Iterable[tuple[str, str]] = ()) -> str:
    """The card's notes, then `Label: value` lines for what the format has no column for.

    Always there: the social profiles and the dates (met on, follow up on).
    """
    lines = [f"{label}: {value}" for label, value in extras if value]
    lines += [f"{s.service}: {s.handle}" for s in contact.social]
    if contact.met_on:
        lines.append(f"Met on: {contact.met_on}")
    if contact.follow_up_on:
        lines.append(f"Follow up on: {contact.follow_up_on}")
    parts = [contact.notes.strip()] if contact.notes and contact.notes.strip() else []
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
