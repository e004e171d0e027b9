"""What is printed on a card: people, companies, phones, addresses, notes.

Every printed line is a :class:`Line` that carries the structured values it
shows, so the truth file is built from exactly the lines that were drawn.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

DATA = Path(__file__).with_name("data")


@dataclass
class Line:
    """One printed line of text and the structured values it carries."""

    text: str
    role: str  # company name title department tagline contact address social service note
    group: str = ""  # lines of one group are dropped together
    priority: int = 100  # lower is dropped first when space runs out
    phones: list[dict[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    social: list[dict[str, str]] = field(default_factory=list)
    parts: list[Line] = field(default_factory=list)  # printed separately when too wide


@dataclass
class Person:
    given: str
    middle: str | None
    family: str
    caps: bool

    @property
    def name(self) -> str:
        parts = [self.given] + ([self.middle] if self.middle else []) + [self.family]
        return " ".join(parts)

    @property
    def printed(self) -> str:
        return self.name.upper() if self.caps else self.name


@dataclass
class Card:
    region: str
    person: Person | None
    title: str | None
    department: str | None
    company: str  # as printed
    company_core: str
    domain: str
    tagline: str | None
    header: list[Line]
    contacts: list[Line]
    address_parts: dict[str, str | None] | None
    qr: str | None = None
    back_kind: str | None = None  # note | tagline | services | contact
    back_lines: list[Line] = field(default_factory=list)


# ---------------------------------------------------------------- data files


@cache
def countries() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "countries.json").read_text("utf-8"))
    return data


@cache
def words() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads((DATA / "company_words.json").read_text("utf-8"))
    return data


@cache
def note_fill() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads((DATA / "note_fill.json").read_text("utf-8"))
    return data


@cache
def lines_of(name: str) -> tuple[str, ...]:
    text = (DATA / name).read_text("utf-8")
    return tuple(s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#"))


# ---------------------------------------------------------------- text utils

_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae",
                       "œ": "oe", "Œ": "Oe", "đ": "d", "ı": "i", "þ": "th"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def ascii_fold(text: str, german: bool = False) -> str:
    if german:
        text = text.translate(_GERMAN)
    text = text.translate(_FOLD)
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c))


def slug(text: str, german: bool = False, sep: str = "") -> str:
    folded = ascii_fold(text, german).lower().replace("&", " ")
    parts = re.findall(r"[a-z0-9]+", folded)
    return sep.join(parts)


# ---------------------------------------------------------------- phones

TRUNK = {"US": "", "CA": "", "ES": "", "IT": ""}
FIXED_TYPES = (PNT.FIXED_LINE, PNT.FIXED_LINE_OR_MOBILE)
MOBILE_TYPES = (PNT.MOBILE, PNT.FIXED_LINE_OR_MOBILE)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _national_len(region: str, kind: int) -> int:
    ex = pn.example_number_for_type(region, kind)
    assert ex is not None
    return len(re.sub(r"\D", "", pn.format_number(ex, PNF.NATIONAL)))


def _from_template(rng: random.Random, region: str, kind: int,
                   types: tuple[int, ...]) -> pn.PhoneNumber:
    """Randomise the trailing digits of phonenumbers' example number."""
    ex = pn.example_number_for_type(region, kind)
    assert ex is not None
    nat = re.sub(r"\D", "", pn.format_number(ex, PNF.NATIONAL))
    for _ in range(500):
        keep = max(2, len(nat) - 6)
        num = pn.parse(nat[:keep] + _digits(rng, len(nat) - keep), region)
        if pn.is_valid_number(num) and pn.number_type(num) in types:
            return num
    return ex


def fixed_number(rng: random.Random, region: str, area: str) -> pn.PhoneNumber:
    trunk = TRUNK.get(region, "0")
    target = _national_len(region, PNT.FIXED_LINE)
    for attempt in range(400):
        if region in ("US", "CA"):
            nat = area + rng.choice("23456789") + _digits(rng, 2) + _digits(rng, 4)
            if nat[3:6] == "555":
                continue
        else:
            length = target + (attempt % 3) - 1 if attempt > 50 else target
            head = trunk + area
            if length <= len(head) + 3:
                continue
            nat = head + rng.choice("23456789") + _digits(rng, length - len(head) - 1)
        num = pn.parse(nat, region)
        if pn.is_valid_number(num) and pn.number_type(num) in FIXED_TYPES:
            return num
    return _from_template(rng, region, PNT.FIXED_LINE, FIXED_TYPES)


def mobile_number(rng: random.Random, region: str, area: str,
                  prefixes: list[str]) -> pn.PhoneNumber:
    if region in ("US", "CA") or not prefixes:
        if region in ("US", "CA"):
            return fixed_number(rng, region, area)
        return _from_template(rng, region, PNT.MOBILE, MOBILE_TYPES)
    trunk = TRUNK.get(region, "0")
    target = _national_len(region, PNT.MOBILE)
    for _ in range(400):
        head = trunk + rng.choice(prefixes)
        num = pn.parse(head + _digits(rng, target - len(head)), region)
        if pn.is_valid_number(num) and pn.number_type(num) in MOBILE_TYPES:
            return num
    return _from_template(rng, region, PNT.MOBILE, MOBILE_TYPES)


def fax_for(rng: random.Random, region: str, office: pn.PhoneNumber, area: str) -> pn.PhoneNumber:
    e164 = pn.format_number(office, PNF.E164)
    last = int(e164[-1])
    for delta in (1, 9, 2, 8):
        cand = pn.parse(e164[:-1] + str((last + delta) % 10))
        if pn.is_valid_number(cand) and pn.number_type(cand) in FIXED_TYPES:
            return cand
    return fixed_number(rng, region, area)


def format_phone(rng: random.Random, num: pn.PhoneNumber, region: str, intl: bool) -> str:
    if not intl:
        text = pn.format_number(num, PNF.NATIONAL)
        if region in ("US", "CA"):
            d = str(num.national_number)
            text = rng.choice([text, text, f"{d[:3]}.{d[3:6]}.{d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}"])
        elif region == "FR" and rng.random() < 0.35:
            text = text.replace(" ", ".")
        elif region == "DE" and rng.random() < 0.35:
            head, _, rest = text.partition(" ")
            text = f"{head} / {rest.replace(' ', '')}" if rest else text
        return text
    text = pn.format_number(num, PNF.INTERNATIONAL)
    if region in ("DE", "GB", "NL") and rng.random() < 0.4:
        cc, _, rest = text.partition(" ")
        text = f"{cc} (0){rest}"
    elif region in ("US", "CA") and rng.random() < 0.4:
        d = str(num.national_number)
        text = rng.choice([f"+1 ({d[:3]}) {d[3:6]}-{d[6:]}", f"+1 {d[:3]} {d[3:6]} {d[6:]}",
                           f"+1.{d[:3]}.{d[3:6]}.{d[6:]}"])
    elif rng.random() < 0.08:
        text = pn.format_number(num, PNF.E164)
    return text


# label sets: (work, mobile, fax)
LABELS_EN = [("T:", "M:", "F:"), ("T", "M", "F"), ("Tel:", "Mob:", "Fax:"),
             ("Phone", "Mobile", "Fax"), ("Office", "Cell", "Fax"), ("O:", "C:", "F:"),
             ("Direct", "Mobile", "Fax"), ("Tel.", "Mob.", "Fax"), ("P:", "M:", "F:"),
             ("Office:", "Cell:", "Fax:"), ("t.", "m.", "f."), ("Phone:", "Mobile:", "Fax:"),
             ("", "", "")]
LABELS_DE = [("Tel.", "Handy", "Fax"), ("Telefon", "Mobil", "Telefax"), ("T", "M", "F"),
             ("Tel:", "Mobil:", "Fax:"), ("Tel.", "Mobil", "Telefax"), ("T:", "M:", "F:")]
LABELS_FR = [("Tél.", "Portable", "Fax"), ("Tél. :", "Mob. :", "Fax :"), ("T.", "P.", "F."),
             ("Tél :", "Portable :", "Fax :"), ("T", "M", "F")]
EMAIL_LABELS = ["", "", "", "", "E:", "E", "Email:", "e.", "E-mail:"]
WEB_LABELS = ["", "", "", "", "W:", "W", "Web:", "w."]


def phone_entry(num: pn.PhoneNumber, kind: str, label: str, printed_num: str) -> dict[str, str]:
    printed = f"{label} {printed_num}" if label else printed_num
    # Unlabelled numbers are scored as a person would file them (the realdev convention): a
    # mobile-range number is mobile, any other is work.
    unlabelled_kind = "mobile" if kind == "mobile" else "work"
    return {"number": pn.format_number(num, PNF.E164), "kind": kind if label else unlabelled_kind,
            "printed": printed}


# ---------------------------------------------------------------- people & companies


def make_person(rng: random.Random, region: str, caps: bool, middle: bool) -> Person:
    c = countries()[region]
    given = rng.choice(c["given"])
    family = rng.choice(c["family"])
    mid = rng.choice("ABCDEFGHJKLMNPRSTW") + "." if middle else None
    return Person(given, mid, family, caps)


def make_company(rng: random.Random, region: str) -> tuple[str, str, str]:
    """Return (printed company, core name, domain)."""
    c = countries()[region]
    w = words()
    fam = [f for f in c["family"] if " " not in f and "'" not in f]
    local = {"DE": "industry_de", "FR": "industry_fr", "ES": "industry_es",
             "IT": "industry_it", "NL": "industry_nl"}.get(region)
    roll = rng.random()
    if local and roll < 0.45:
        ind = rng.choice(w[local])
        core = f"{ind} {rng.choice(fam)}" if region in ("FR", "IT") else f"{rng.choice(fam)} {ind}"
    elif roll < 0.62:
        core = f"{rng.choice(w['prefix'])}{rng.choice(w['noun']).lower()}"
        if rng.random() < 0.5:
            core += " " + rng.choice(w["industry"])
    elif roll < 0.78:
        core = f"{rng.choice(w['prefix'])} {rng.choice(w['industry'])}"
    elif roll < 0.9:
        a, b = rng.sample(fam, 2)
        core = f"{a} & {b}"
    else:
        core = f"{rng.choice(fam)} {rng.choice(w['industry'])}"
    suffix = ""
    if "& " in core and rng.random() < 0.5:
        suffix = rng.choice(["LLP", "Partners"] if region in ("US", "GB") else c["suffixes"])
    elif rng.random() < 0.7:
        suffix = rng.choice(c["suffixes"] + (["& Co."] if region in ("US", "GB") else []))
    if suffix == "& Co." and "&" in core:
        suffix = ""
    printed = core
    if suffix:
        sep = ", " if suffix in ("Inc.", "LLC") and rng.random() < 0.25 else " "
        printed = f"{core}{sep}{suffix}"
    german = region == "DE"
    parts = slug(core, german, " ").split()
    if len(parts) > 2 or len("".join(parts)) > 16:
        base = parts[0] if len(parts[0]) > 5 else "".join(p[0] for p in parts) + parts[-1]
    else:
        base = rng.choice(["", "-"]).join(parts)
    tld = rng.choice(c["tlds"])
    return printed, core, f"{base}.{tld}"


def make_title(rng: random.Random, region: str) -> str:
    if region == "DE" and rng.random() < 0.5:
        return rng.choice(lines_of("titles_de.txt"))
    if region == "FR" and rng.random() < 0.5:
        return rng.choice(lines_of("titles_fr.txt"))
    return rng.choice(lines_of("titles.txt"))


def make_department(rng: random.Random, region: str) -> str:
    if region == "DE" and rng.random() < 0.5:
        return rng.choice(lines_of("departments_de.txt"))
    if region == "FR" and rng.random() < 0.5:
        return rng.choice(lines_of("departments_fr.txt"))
    return rng.choice(lines_of("departments.txt"))


# ---------------------------------------------------------------- addresses

GB_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
ORD = {1: "1st", 2: "2nd", 3: "3rd"}


def _postcode(rng: random.Random, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(rng.choice("0123456789"))
        elif ch == "L":
            out.append(rng.choice(GB_INWARD))
        elif ch == "A":
            out.append(rng.choice("ABCEGHJKLMNPRSTVWXYZ"))
        else:
            out.append(ch)
    return "".join(out)


def make_address(rng: random.Random, region: str, city: dict[str, Any],
                 two_lines: bool, with_country: bool) -> tuple[list[str], dict[str, str | None]]:
    c = countries()[region]
    num = str(rng.randint(1, 250 if region != "US" else 4999))
    if region == "DE" and rng.random() < 0.15:
        num += rng.choice("ab")
    street = c["street_fmt"].format(num=num, street=rng.choice(c["streets"]))
    if c["units"] and rng.random() < 0.35:
        floor = rng.randint(1, 22)
        unit = rng.choice(c["units"]).format(n=rng.randint(2, 1800) if region == "US" else
                                             rng.randint(2, 60), f=floor,
                                             ord=ORD.get(floor, f"{floor}th"))
        street = f"{street}, {unit}" if region in ("US", "CA") else f"{unit}, {street}"
    post = _postcode(rng, rng.choice(city["post"]))
    fmt = rng.choice(c["line2_fmt"])
    state = city.get("state")
    region_printed: str | None = city["region"]
    if "{state}" in fmt:
        region_printed = state
    elif region == "IN":
        region_printed = None
    line2 = fmt.format(city=city["city"], CITY=city["city"].upper(), region=city["region"],
                       post=post, state=state)
    if with_country:
        line2 += ", " + rng.choice(c["country_names"])
    city_printed = city["city"].upper() if "{CITY}" in fmt else city["city"]
    parts: dict[str, str | None] = {"street": street, "city": city_printed,
                                    "region": region_printed, "postcode": post,
                                    "country": region}
    lines = [street, line2] if two_lines else [f"{street}, {line2}"]
    return lines, parts


# ---------------------------------------------------------------- contact lines


def _email_local(rng: random.Random, p: Person, german: bool) -> str:
    g = slug(p.given, german)
    f = slug(p.family, german, rng.choice(["", "-"]) if " " in p.family else "")
    fam = slug(p.family, german) if "-" in p.family and rng.random() < 0.5 else f
    style = rng.choice(["first.last", "first.last", "f.last", "flast", "first", "firstlast"])
    return {"first.last": f"{g}.{fam}", "f.last": f"{g[0]}.{fam}", "flast": f"{g[0]}{fam}",
            "first": g, "firstlast": f"{g}{fam}"}[style]


def _handle(rng: random.Random, p: Person | None, core: str, german: bool, service: str) -> str:
    if p is None:
        return slug(core, german)
    g, f = slug(p.given, german), slug(p.family, german)
    seps = {"linkedin": ["", "-"], "twitter": ["", "_"], "instagram": ["", ".", "_"],
            "github": ["", "-"]}[service]
    h = rng.choice([g + rng.choice(seps) + f, g[0] + f, g + rng.choice(seps) + f])
    if service == "linkedin" and rng.random() < 0.3:
        h += "-" + _digits(rng, 3)
    return h


def social_line(rng: random.Random, service: str, handle: str, label_style: str) -> Line:
    opts: dict[str, list[str]] = {
        "linkedin": [f"linkedin.com/in/{handle}", f"in/{handle}", f"LinkedIn: in/{handle}",
                     f"www.linkedin.com/in/{handle}"],
        "twitter": [f"X: @{handle}", f"Twitter: @{handle}", f"x.com/{handle}", f"X @{handle}"],
        "instagram": [f"Instagram: @{handle}", f"IG @{handle}", f"instagram.com/{handle}"],
        "github": [f"github.com/{handle}", f"GitHub: {handle}"],
    }
    text = rng.choice(opts[service])
    # The contract writes a LinkedIn profile as "in/<name>" (its path on linkedin.com).
    truth_handle = f"in/{handle}" if service == "linkedin" else handle
    return Line(text, "social", group=f"social-{service}", priority=10,
                social=[{"service": service, "handle": truth_handle}])


def make_card(rng: random.Random, plan: dict[str, Any]) -> Card:
    region: str = plan["region"]
    c = countries()[region]
    german = region == "DE"
    company, core, domain = make_company(rng, region)
    if plan["company_caps"]:
        company = company.upper()
    person = None if plan["company_only"] else make_person(
        rng, region, plan["caps"], plan["middle"])
    title = None if person is None else make_title(rng, region)
    dept = make_department(rng, region) if person and rng.random() < 0.25 else None
    tagline = rng.choice(lines_of("taglines.txt")) if person is None and rng.random() < 0.7 else None

    header: list[Line] = [Line(company, "company")]
    if person:
        header.append(Line(person.printed, "name"))
        header.append(Line(title or "", "title"))
        if dept:
            header.append(Line(dept, "department", priority=30))
    elif tagline:
        header.append(Line(tagline, "tagline", priority=35))

    city = rng.choice(c["cities"])
    area: str = city["area"]
    labels = rng.choice(LABELS_DE if region == "DE" and rng.random() < 0.7 else
                        LABELS_FR if region == "FR" and rng.random() < 0.7 else LABELS_EN)
    intl = rng.random() < 0.45

    # phones
    n_phones = rng.choices([0, 1, 2, 3], weights=[6, 36, 40, 18])[0]
    kinds: list[str] = {0: [], 1: [rng.choice(["work", "work", "mobile"])],
                        2: rng.choice([["work", "mobile"], ["work", "fax"], ["mobile", "work"]]),
                        3: ["work", "mobile", "fax"]}[n_phones]
    if person is None:
        kinds = [k if k != "mobile" else "work" for k in kinds][:2]
        kinds = list(dict.fromkeys(kinds))
    entries: list[tuple[dict[str, str], str]] = []
    office: pn.PhoneNumber | None = None
    for kind in kinds:
        if kind == "work":
            num = office = fixed_number(rng, region, area)
            label = labels[0]
        elif kind == "mobile":
            num = mobile_number(rng, region, area, c["mobile_prefixes"])
            label = labels[1]
        else:
            num = fax_for(rng, region, office, area) if office else fixed_number(rng, region, area)
            label = labels[2]
        printed = format_phone(rng, num, region, intl)
        entries.append((phone_entry(num, kind, label, printed), kind))
    contacts: list[Line] = []
    joined = len(entries) >= 2 and all(lab for lab in labels) and rng.random() < 0.3
    if joined:
        sep = rng.choice([" | ", " · ", "  |  "])
        a, b = entries[0][0], entries[1][0]
        parts = [Line(a["printed"], "contact", "phone-a", 90, phones=[a]),
                 Line(b["printed"], "contact", "phone-b", 40 if b["kind"] == "fax" else 90,
                      phones=[b])]
        contacts.append(Line(a["printed"] + sep + b["printed"], "contact", "phone",
                             90, phones=[a, b], parts=parts))
        entries = entries[2:]
    for e, kind in entries:
        contacts.append(Line(e["printed"], "contact", f"phone-{kind}",
                             40 if kind == "fax" else 90, phones=[e]))

    # emails and website
    if person:
        emails = [f"{_email_local(rng, person, german)}@{domain}"]
        if rng.random() < 0.15:
            emails.append(f"{rng.choice(['info', 'sales', 'office', 'hello'])}@{domain}")
    else:
        generic = {"DE": ["info", "kontakt", "vertrieb"], "FR": ["contact", "info"],
                   "ES": ["info", "contacto"], "IT": ["info"], "NL": ["info"]}.get(
            region, ["info", "sales", "hello", "contact", "office"])
        emails = [f"{rng.choice(generic)}@{domain}"]
    website = None
    if rng.random() < 0.8 or person is None:
        website = rng.choice(["www." + domain, "www." + domain, domain])
    web_printed = ("https://" if website and rng.random() < 0.2 else "") + (website or "")
    e_label = rng.choice(EMAIL_LABELS)
    w_label = rng.choice(WEB_LABELS) if e_label else ""
    caps_email = rng.random() < 0.06
    email_lines = []
    for i, em in enumerate(emails):
        shown = em
        if caps_email and person:
            local, at, dom = em.partition("@")
            shown = ".".join(s.capitalize() for s in local.split(".")) + at + dom
        text = f"{e_label} {shown}" if e_label else shown
        email_lines.append(Line(text, "contact", f"email-{i}", 80 - 50 * i, emails=[em]))
    web_line = None
    if website:
        text = f"{w_label} {web_printed}" if w_label else web_printed
        web_line = Line(text, "contact", "web", 60, websites=[website])
    if web_line and email_lines and not e_label and rng.random() < 0.2:
        sep = rng.choice(["  |  ", " · ", "  •  "])
        first = email_lines[0]
        contacts.append(Line(first.text + sep + web_line.text, "contact", "email-0", 80,
                             emails=first.emails, websites=web_line.websites,
                             parts=[first, web_line]))
        contacts.extend(email_lines[1:])
    else:
        contacts.extend(email_lines)
        if web_line:
            contacts.append(web_line)

    # social
    if plan["social"]:
        services = rng.sample(["linkedin", "twitter", "instagram", "github"], rng.choice([1, 1, 2]))
        for s in services:
            contacts.append(social_line(rng, s, _handle(rng, person, core, german, s), ""))

    # address
    addr_parts = None
    if rng.random() < 0.8:
        two = rng.random() < 0.7
        addr_lines, addr_parts = make_address(rng, region, city, two, rng.random() < 0.12)
        addr = [Line(t, "address", "address", 50) for t in addr_lines]
        contacts = addr + contacts if rng.random() < 0.45 else contacts + addr

    card = Card(region, person, title, dept, company, core, domain, tagline, header,
                contacts, addr_parts)
    if plan["qr"]:
        card.qr = qr_payload(rng, card)
    return card


def qr_payload(rng: random.Random, card: Card) -> str:
    phones = [p for line in card.contacts for p in line.phones]
    emails = [e for line in card.contacts for e in line.emails]
    sites = [w for line in card.contacts for w in line.websites]
    url = "https://" + (sites[0] if sites else "www." + card.domain)
    style = rng.choice(["vcard", "vcard", "mecard", "url"])
    p = card.person
    if style == "url" or p is None:
        return url if p is None else f"{url}/team/{slug(p.given)}-{slug(p.family)}"
    if style == "mecard":
        out = f"MECARD:N:{p.family},{p.given};"
        out += "".join(f"TEL:{ph['number']};" for ph in phones[:1])
        out += "".join(f"EMAIL:{e};" for e in emails[:1])
        return out + f"URL:{url};;"
    # kept short: a small QR code (few modules) is what keeps it decodable in a photo
    rows = ["BEGIN:VCARD", "VERSION:3.0", f"N:{p.family};{p.given}", f"FN:{p.name}"]
    types = {"work": "WORK", "mobile": "CELL", "fax": "FAX", "other": "VOICE"}
    rows += [f"TEL;TYPE={types[ph['kind']]}:{ph['number']}" for ph in phones[:1]]
    rows += [f"EMAIL:{e}" for e in emails[:1]]
    rows += ["END:VCARD"]
    return "\r\n".join(rows)


# ---------------------------------------------------------------- backs


def make_note(rng: random.Random, card: Card) -> list[str]:
    fill = note_fill()
    template = rng.choice(lines_of("notes.txt"))
    first = card.person.given if card.person else rng.choice(fill["colleague"])
    values = {k: rng.choice(v) for k, v in fill.items()}
    values["first"] = first
    text = template.format(**values)
    return [s.strip() for s in text.split("|")]


def make_back(rng: random.Random, card: Card, kind: str) -> None:
    card.back_kind = kind
    if kind == "note":
        card.back_lines = [Line(t, "note") for t in make_note(rng, card)]
    elif kind == "tagline":
        tag = card.tagline or rng.choice(lines_of("taglines.txt"))
        card.back_lines = [Line(card.company, "company"), Line(tag, "tagline")]
    elif kind == "services":
        items = rng.sample(lines_of("services.txt"), rng.randint(3, 5))
        lines = [Line(card.company, "company")]
        if rng.random() < 0.5:
            sep = rng.choice([" · ", " | ", "  •  "])
            lines.append(Line(sep.join(items[:3]), "service"))
            if len(items) > 3:
                lines.append(Line(sep.join(items[3:]), "service"))
        else:
            lines += [Line(s, "service") for s in items]
        card.back_lines = lines
