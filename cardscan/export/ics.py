"""Follow-up reminders as an iCalendar file (RFC 5545) that any calendar app imports.

One all-day event per contact that has a `follow_up_on` date, with a reminder at 09:00 that
day. The event's UID is derived from the contact's id, so importing the file again after a new
`cardscan import` updates the reminders instead of doubling them. Contacts without a follow-up
date are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import IO

from cardscan.model import Contact

PRODID = "-//cardscan//follow-ups//EN"
REMINDER = "PT9H"  # after the start of the all-day event: 09:00 on the day


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out) + "\r\n"


def _summary(contact: Contact) -> str:
    who = contact.name or contact.company or (contact.emails[0] if contact.emails else "a contact")
    if contact.name and contact.company:
        who = f"{contact.name} ({contact.company})"
    return f"Follow up: {who}"


def _description(contact: Contact) -> str:
    parts = []
    if contact.notes:
        parts.append(contact.notes)
    details = []
    if contact.title:
        details.append(contact.title)
    details += contact.emails
    details += [p.number for p in contact.phones]
    if details:
        parts.append("\n".join(details))
    met = []
    if contact.event:
        met.append(f"Met at {contact.event}")
    if contact.met_on:
        met.append(f"on {contact.met_on}")
    if met:
        parts.append(" ".join(met))
    return "\n\n".join(parts)


def _event(contact: Contact, on: date, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{contact.id or 'card'}-follow-up@cardscan",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{on + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(_summary(contact))}",
        "TRANSP:TRANSPARENT",
    ]
    description = _description(contact)
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if contact.event:
        lines.append(f"CATEGORIES:{escape(contact.event)}")
    lines += [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(_summary(contact))}",
        f"TRIGGER;RELATED=START:{REMINDER}",
        "END:VALARM",
        "END:VEVENT",
    ]
    return lines


def write_ics(contacts: Iterable[Contact], out: IO[str], now: datetime | None = None) -> None:
    """Write one VCALENDAR with a reminder per contact that has a follow-up date, soonest first."""
    from cardscan.followups import followups

    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:cardscan follow-ups"]
    for item in followups(contacts):
        lines += _event(item.contact, item.on, stamp)
    lines.append("END:VCALENDAR")
    out.write("".join(fold(line) for line in lines))
