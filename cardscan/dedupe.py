"""The same person twice: when two readings are one contact, and how they become one.

Two readings are the same person when they share an email address or a phone number, or when
they carry the same name at the same company; but never when both name a person and the names
disagree (two colleagues printing the same switchboard number stay two contacts). Role
addresses such as `info@` and fax numbers are shared by whole offices, so they never match.

Merging keeps everything: list fields (emails, phones, websites, social profiles) are united in
order; a single field (title, company, address, ...) takes the first reading's value, and every
other value read for it is kept in `conflicts` and written into the contact's notes on a line
starting with `CONFLICTS_PREFIX`, so every export shows it. Notes of all readings are kept.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cardscan.model import Contact, Phone, Social

# Single-valued fields in the order their conflicts are listed; a name's parts follow the
# reading its name came from, as the address's parts follow its address.
SINGLE_FIELDS = ("name", "title", "department", "company", "address", "region", "event", "met_on",
                 "follow_up_on")
FOLLOWERS = {"name": ("given_name", "middle_name", "family_name"), "address": ("address_parts",)}
CONFLICTS_PREFIX = "Also read on other photos: "
ROLE_MAILBOXES = frozenset(
    {"info", "sales", "contact", "office", "hello", "admin", "support", "team", "mail", "enquiries",
     "inquiries", "service", "marketing", "hr", "jobs", "careers", "press", "reception", "kontakt",
     "noreply", "no-reply", "welcome", "general", "orders", "billing", "help"}
)
COMPANY_SUFFIXES = frozenset(
    {"inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "corporation", "company", "gmbh",
     "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "pty", "kg", "oy", "ab", "as", "kk"}
)


def _fold(text: str) -> str:
    """Case, accents and punctuation folded away: 'José  O'Neil, Jr.' -> 'jose oneil jr'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"['’`.]", "", plain)
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def name_key(name: str | None) -> str:
    return _fold(name or "")


def company_key(company: str | None) -> str:
    words = _fold(company or "").split()
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def match_keys(contact: Contact) -> set[str]:
    """What two readings of one person share: `email:`, `phone:` and `name:NAME|COMPANY` keys."""
    keys = set()
    for email in contact.emails:
        local = email.lower().split("@", 1)[0]
        if local not in ROLE_MAILBOXES:
            keys.add(f"email:{email.lower()}")
    for phone in contact.phones:
        if phone.kind != "fax" and phone.number:
            keys.add(f"phone:{phone.number}")
    name, company = name_key(contact.name), company_key(contact.company)
    if name and company:
        keys.add(f"name:{name}|{company}")
    return keys


def names_agree(a: str | None, b: str | None) -> bool:
    """True unless both are names of people and they differ. Initials, a missing middle name and a
    letter or two of OCR noise still agree: 'J. Doe' ~ 'Jane Q. Doe' ~ 'Jane Dce'."""
    first, second = name_key(a).split(), name_key(b).split()
    if not first or not second:
        return True
    if set(first) <= set(second) or set(second) <= set(first):
        return True
    if difflib.SequenceMatcher(None, " ".join(first), " ".join(second)).ratio() >= 0.85:
        return True
    last_a, last_b = first[-1], second[-1]
    if last_a != last_b and difflib.SequenceMatcher(None, last_a, last_b).ratio() < 0.8:
        return False
    given_a, given_b = first[0], second[0]
    return given_a.startswith(given_b) or given_b.startswith(given_a)


def same_person(a: Contact, b: Contact) -> str | None:
    """Why `a` and `b` are one person ('same email x', ...), or None when they are not."""
    shared = match_keys(a) & match_keys(b)
    if not shared or not names_agree(a.name, b.name):
        return None
    key = min(shared, key=lambda k: (("email:", "phone:", "name:").index(k[: k.index(":") + 1]), k))
    kind, value = key.split(":", 1)
    if kind == "name":
        return f"same name at the same company ({a.name} at {a.company})"
    return f"same {kind} {value}"


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return _fold(a) == _fold(b)
    return bool(a == b)


def _abbreviates(short: Any, full: Any) -> bool:
    """True when every word of `short` is a word of `full` or its initial."""
    words = name_key(str(full)).split()
    return all(any(w == s or (len(s) == 1 and w.startswith(s)) for w in words)
               for s in name_key(str(short)).split())


def strip_conflicts_line(notes: str | None) -> str | None:
    if not notes:
        return None
    kept = [line for line in notes.split("\n") if not line.startswith(CONFLICTS_PREFIX)]
    return "\n".join(kept).strip() or None


def conflicts_line(conflicts: dict[str, list[Any]]) -> str | None:
    parts = []
    for name in SINGLE_FIELDS:
        for value in conflicts.get(name, []):
            parts.append(f"{name.replace('_', ' ')}: {value}")
    return CONFLICTS_PREFIX + "; ".join(parts) if parts else None


@dataclass
class Reading:
    """One input of a merge: a card's contact, or a stored contact with the conflicts it holds."""

    contact: Contact
    conflicts: dict[str, list[Any]] = field(default_factory=dict)


def merge(readings: Sequence[Reading]) -> tuple[Contact, dict[str, list[Any]]]:
    """One contact from readings of one person, the first leading; and the conflicting values.

    The result's id, images and raw text are the first reading's.
    """
    if not readings:
        raise ValueError("nothing to merge")
    base = readings[0].contact
    merged = Contact.from_dict(base.to_dict())
    conflicts: dict[str, list[Any]] = {}
    confidence = dict(base.confidence)
    for name in SINGLE_FIELDS:
        chosen: Any = None
        others: list[Any] = []
        for reading in readings:
            candidates = [getattr(reading.contact, name), *reading.conflicts.get(name, [])]
            for value in candidates:
                if value in (None, "", [], {}):
                    continue
                if chosen is None:
                    chosen = value
                    _take(merged, reading.contact, name, confidence)
                elif not _same_value(value, chosen) and not any(_same_value(value, o) for o in others):
                    if name == "name" and _abbreviates(value, chosen):
                        continue  # 'J. Doe' says nothing 'Jane Doe' does not
                    others.append(value)
        setattr(merged, name, chosen)
        if others:
            conflicts[name] = others
    merged.confidence = confidence
    merged.emails = _union(e for r in readings for e in r.contact.emails)
    merged.websites = _union(w for r in readings for w in r.contact.websites)
    phones: dict[str, Phone] = {}
    for reading in readings:
        for phone in reading.contact.phones:
            phones.setdefault(phone.number, phone)
    merged.phones = list(phones.values())
    social: dict[tuple[str, str], Social] = {}
    for reading in readings:
        for profile in reading.contact.social:
            social.setdefault((profile.service, profile.handle.casefold()), profile)
    merged.social = list(social.values())
    notes = _union(n for r in readings if (n := strip_conflicts_line(r.contact.notes)))
    line = conflicts_line(conflicts)
    merged.notes = "\n\n".join([*notes, *([line] if line else [])]) or None
    return merged, conflicts


def _take(merged: Contact, source: Contact, name: str, confidence: dict[str, float]) -> None:
    """Fields that follow `name` (its parts) and its confidence come from the same reading."""
    for follower in FOLLOWERS.get(name, ()):
        setattr(merged, follower, getattr(source, follower))
    if name in source.confidence:
        confidence[name] = source.confidence[name]


def _union(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


def groups(contacts: Iterable[tuple[str, Contact]]) -> list[list[tuple[str, str | None]]]:
    """Stored contacts that are one person: each group lists `(id, why)` in the given order, the
    first (the one the others would merge into) with why None. Groups of one are left out.

    A contact joins a group only when its name agrees with every name already in it.
    """
    items = list(contacts)
    by_key: dict[str, list[int]] = {}
    for index, (_, contact) in enumerate(items):
        for key in match_keys(contact):
            by_key.setdefault(key, []).append(index)
    group_of = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}
    reasons: dict[int, str] = {}
    for index, (_, contact) in enumerate(items):
        for key in sorted(match_keys(contact)):
            for other in by_key[key]:
                mine, theirs = group_of[index], group_of[other]
                if other >= index or mine == theirs:
                    continue
                why = same_person(items[other][1], contact)
                if why is None or not all(
                    names_agree(items[i][1].name, items[j][1].name)
                    for i in members[mine] for j in members[theirs]
                ):
                    continue
                keep, gone = min(mine, theirs), max(mine, theirs)
                for moved in members.pop(gone):
                    group_of[moved] = keep
                    members[keep].append(moved)
                reasons.setdefault(index, why)
                reasons.setdefault(gone, why)
    return [
        [(items[i][0], reasons.get(i) if i != first else None) for i in sorted(group)]
        for first, group in sorted(members.items())
        if len(group) > 1
    ]
