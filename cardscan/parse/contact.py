"""From the OCR pages of a card's two sides (and its QR codes) to a Contact.

Order matters: e-mails, websites and social handles first (unambiguous), then the address
(which names the country), then phones parsed with that country, then name/title/company on
what is left. The back fills what the front lacks; what the back holds beyond contact details
goes to `notes_from_lines`.
"""

from __future__ import annotations

import re
from collections import Counter

from cardscan.model import Contact, OcrLine, OcrPage, Phone, Social
from cardscan.options import Options
from cardscan.parse import address as addresses
from cardscan.parse import people
from cardscan.parse.emails import find_emails, repair
from cardscan.parse.layout import Segment, page_segments
from cardscan.parse.lexicon import fold, lexicon, strip_accents
from cardscan.parse.phones import FoundPhone, country_code_regions, find_phones, label_kind, region_score
from cardscan.parse.qr import QrContact, parse_payload
from cardscan.parse.repair import local_patterns, repair_hosts, repair_local
from cardscan.parse.web import find_labelled_handles, find_websites, is_social_host, social_from_site
from cardscan.strings import edit_distance

DEFAULT_REGION = "US"
MIN_WEB_CONF = 0.12  # a site read from a segment OCR doubts this much is usually a misread e-mail
_EMAIL_TOKEN = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_HINT = re.compile(r"\+\s?\d[\d\s()./-]{6,}|\d[\d\s()./-]{8,}\d")


def _notes_from_lines(lines: list[OcrLine], contact: Contact) -> str | None:
    try:
        from cardscan.parse.notes import notes_from_lines
    except ImportError:  # the notes module is optional; without it the back's text is the note
        text = "\n".join(line.text for line in lines).strip()
        return text or None
    return notes_from_lines(lines, contact)


class _Found:
    """What the extractors found so far, with the segments each came from."""

    def __init__(self) -> None:
        self.emails: list[str] = []
        self.websites: list[str] = []
        self.hosts: list[str] = []
        self.social: list[Social] = []
        self.phones: list[Phone] = []
        self.conf: dict[str, list[float]] = {}

    def add_conf(self, field_name: str, value: float) -> None:
        self.conf.setdefault(field_name, []).append(value)


def _online(segments: list[Segment], found: _Found) -> list[Segment]:
    """E-mails, websites and social handles; marks the segments that hold them and returns the
    text segments found beside them."""
    extra: list[Segment] = []
    for seg in segments:
        emails = find_emails(seg.text)
        for email in emails:
            if email not in found.emails:
                found.emails.append(email)
                found.add_conf("emails", seg.conf)
        rest = _EMAIL_TOKEN.sub(" ", repair(seg.text)) if emails else seg.text
        handles = find_labelled_handles(rest)
        social_here = False
        for site, host in find_websites(rest):
            social = social_from_site(site)
            if social is not None:
                handles.append(social)
                continue
            explicit = site.lower().startswith("www.") or bool(re.search(r"https?\W", rest, re.I))
            if is_social_host(host) or (seg.conf < MIN_WEB_CONF and not explicit):
                continue
            if all(_site_key(site) != _site_key(w) for w in found.websites):
                found.websites.append(site)
                found.hosts.append(host)
                found.add_conf("websites", seg.conf)
            social_here = True
        for social in handles:
            key = (social.service, social.handle.lower())
            if all((s.service, s.handle.lower()) != key for s in found.social):
                found.social.append(social)
                found.add_conf("social", seg.conf)
            social_here = True
        if emails or social_here:
            seg.used_for = "online"
            residue = _residue(seg)
            if residue is not None:
                extra.append(residue)
    return extra


_ONLINE_LABEL = re.compile(r"^(?:e-?mail|mail|email|e|w|web|website|www|url|courriel|site)\s*[:.]?$", re.I)


def _residue(seg: Segment) -> Segment | None:
    """The words at the start of a segment before its e-mail/website part, when they look like
    a line of their own ("Jane Doe  E-mail: jane@…" read as one line, or a labelled number:
    "F: +66 2 115 6244  E: jane@…")."""
    kept = []
    for word in seg.words:
        text = word.text
        if "@" in text or _ONLINE_LABEL.match(text) or find_websites(text) or "©" in text:
            break
        kept.append(word)
    if len(kept) < 2 or len(kept) == len(seg.words):
        return None
    if (sum(1 for w in kept if re.search(r"[^\W\d_]{2}", w.text)) < 2
            and not _looks_like_phone_line(" ".join(w.text for w in kept))):
        return None
    return Segment(kept, seg.line_no, seg.side)


def _site_key(site: str) -> str:
    return site.lower().removeprefix("www.").rstrip("/")


def _looks_like_phone_line(text: str) -> bool:
    """A labelled number or a '+CC' number: kept out of the address block."""
    for match in _PHONE_HINT.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) < 7:
            continue
        if match.group(0).lstrip().startswith("+"):
            return True
        kind, _ = label_kind(text[: match.start()])
        if kind is not None:
            return True
    return False


def _tld_regions(hosts: list[str]) -> list[str]:
    lex = lexicon()
    regions = []
    for host in hosts:
        tld = host.rsplit(".", 1)[-1].lower()
        if len(tld) == 2 and tld not in lex.generic_cctlds:
            regions.append(lex.cctld_regions.get(tld, tld.upper()))
    return regions


def infer_region(address_region: str | None, plus_regions: list[str], tld_regions: list[str]) -> str | None:
    """The card's country: the address, else the '+CC' of its numbers, else a country-code TLD."""
    if address_region:
        return address_region
    if plus_regions:
        return Counter(plus_regions).most_common(1)[0][0]
    if tld_regions:
        return Counter(tld_regions).most_common(1)[0][0]
    return None


def legal_form_regions(text: str) -> tuple[str, ...]:
    """The countries of the legal form a line ends with ("Oakwind Design Pvt. Ltd." -> IN,
    "Acme S.r.l." -> IT), the longest form first; () when the line does not end in one."""
    forms = lexicon().legal_form_regions
    words = [re.sub(r"[^a-z]", "", w) for w in strip_accents(fold(text.replace("&", " "))).split()]
    words = [w for w in words if w]
    for n in (4, 3, 2, 1):
        if len(words) > n and "".join(words[-n:]) in forms:
            return forms["".join(words[-n:])]
    return ()


def _hinted_regions(segments: list[Segment]) -> tuple[str, ...]:
    """Countries the card hints at when it names none: the languages of its phone labels ("Tél",
    "Handy"), a country, city or street word in its text, its company's legal form ("Pvt Ltd");
    most named first."""
    label_regions = lexicon().label_regions
    votes: Counter[str] = Counter()
    for seg in segments:
        for word in re.findall(r"[^\W\d_]+", seg.text.lower()):
            for region in label_regions.get(word, ()):
                votes[region] += 1
        for region in legal_form_regions(seg.text):
            votes[region] += 1
    text = " ".join(seg.text for seg in segments)
    for named in (addresses.country_in_text(text), addresses.city_region(text),
                  addresses.language_region(text)):
        if named:
            votes[named] += 2
    return tuple(region for region, _ in votes.most_common())


def _phone_region(phones: list[Phone]) -> str | None:
    import phonenumbers

    regions: Counter[str] = Counter()
    for phone in phones:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(phone.number))
        except phonenumbers.NumberParseException:
            continue
        if region and region not in ("ZZ", "001"):
            regions[region] += 1
    return regions.most_common(1)[0][0] if regions else None


_POOR_READ = 0.35  # a line's mean OCR confidence below which its digits are as likely wrong as right
_CONFIDENT_READ = 0.6


def _garbled_copy(number: str, confident: str) -> bool:
    """A poorly read number that repeats five or more digits of a well-read one, shifted: OCR
    mixing a neighbour's digits ('339 32 7060' under '5 32 70 60 52'), not a sibling line (a fax
    beside its phone shares the digits in place)."""
    if number == confident:
        return False
    a, b = number.lstrip("+"), confident.lstrip("+")
    for size in range(min(len(a), len(b)), 4, -1):
        for start in range(len(a) - size + 1):
            at = b.find(a[start:start + size])
            if at >= 0:
                return at != start
    return False


def _phones(segments: list[Segment], region: str, address_segments: list[Segment], found: _Found,
            alternatives: tuple[str, ...] = ()) -> None:
    hits: list[tuple[FoundPhone, float]] = []
    for seg in segments:
        if seg.used_for == "online" and "@" in seg.text:
            continue
        in_address = seg in address_segments
        address_like = in_address or addresses.find_postcode(seg.text) is not None
        for hit in find_phones(seg.text, region, address_like=address_like, alternatives=alternatives):
            hits.append((hit, seg.conf))
            if not in_address:
                seg.used_for = "phone"
    # a number no country's plan knows is kept only when the card has no better one:
    # "04.00.09.00.98" beside a valid mobile is a misread, not a second line
    sound = any(not hit.doubtful for hit, _ in hits)
    confident = [hit.phone.number for hit, conf in hits if conf >= _CONFIDENT_READ and not hit.doubtful]
    labelled: set[str] = set()
    for hit, conf in hits:
        if sound and hit.doubtful:
            continue
        if conf < _POOR_READ and any(_garbled_copy(hit.phone.number, other) for other in confident):
            continue
        same = next((p for p in found.phones if p.number == hit.phone.number), None)
        if same is None:
            found.phones.append(hit.phone)
            found.add_conf("phones", conf * (0.97 if hit.labelled else 0.88))
        elif hit.labelled and same.number not in labelled:
            # the number printed twice ("503-831-9695" on the front, "Cell: 503-831-9695" on
            # the back): its label, wherever it is printed, says its kind
            same.kind = hit.phone.kind
        if hit.labelled:
            labelled.add(hit.phone.number)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def parse_contact(front: OcrPage, back: OcrPage | None, options: Options | None = None,
                  qr: list[str] | None = None) -> Contact:
    """The contact printed on a card: `front`/`back` are the OCR of its sides, `qr` the payloads
    of the QR codes on it. Never raises on odd text; fields not found are None or []."""
    options = options or Options()
    front_segments = page_segments(front, "front")
    back_segments = page_segments(back, "back")
    found = _Found()
    for residue in _online(front_segments + back_segments, found):
        side = front_segments if residue.side == "front" else back_segments
        side.append(residue)
    everything = front_segments + back_segments

    # The address: front first, the back when the front has none.
    candidates = [s for s in everything if s.used_for is None and _looks_like_phone_line(s.text)]
    for seg in candidates:
        seg.used_for = "phone?"
    address = addresses.find_address(front_segments) or addresses.find_address(back_segments)
    for seg in candidates:
        seg.used_for = None
    if address is not None:
        for seg in address.segments:
            seg.used_for = "address"

    plus_regions = [r for s in everything for r in country_code_regions(s.text)]
    inferred = infer_region(address.region if address else None, plus_regions,
                            _tld_regions(found.hosts + [e.rpartition("@")[2] for e in found.emails]))
    phone_region = options.region or inferred or DEFAULT_REGION
    alternatives: tuple[str, ...] = ()
    if options.region is None and not (address and address.region):
        alternatives = _hinted_regions(everything) + lexicon().fallback_regions
    if options.region is None and inferred is None:
        # a card that names no country: the one country that reads most of its numbers as valid
        # numbers of their labels' kinds ("92156-26059" and "79883-07922" are both Indian mobiles)
        texts = [s.text for s in everything if not (s.used_for == "online" and "@" in s.text)]
        best = region_score(texts, phone_region)
        for candidate in alternatives:
            score = region_score(texts, candidate)
            if score > best:
                phone_region, best = candidate, score
    _phones(everything, phone_region, address.segments if address else [], found, alternatives)
    if inferred is None and found.phones:
        inferred = _phone_region(found.phones)
        if inferred is not None and inferred != phone_region and options.region is None:
            # the numbers that name their country tell how to read the ones that do not
            found.phones, found.conf["phones"] = [], []
            _phones(everything, inferred, address.segments if address else [], found, alternatives)

    contact = Contact(
        emails=found.emails, phones=found.phones, websites=found.websites, social=found.social,
        region=inferred or options.region or DEFAULT_REGION,
    )
    confidence: dict[str, float] = {}
    for field_name in ("emails", "phones", "websites", "social"):
        if found.conf.get(field_name):
            confidence[field_name] = _mean(found.conf[field_name])
    if address is not None:
        contact.address = address.text
        contact.address_parts = address.parts
        confidence["address"] = round(address.conf * 0.9, 3)
    confidence["region"] = 0.95 if address and address.region else 0.8 if inferred else 0.4

    who = people.assign(front_segments, found.emails, found.hosts)
    if back_segments and (who.company is None or who.name is None or who.title is None):
        from_back = people.assign(back_segments, found.emails, found.hosts)
        same_person = from_back.name is not None and (
            who.name is None or _fold(who.name) == _fold(from_back.name))
        for field_name in ("name", "company", "title", "department"):
            if getattr(who, field_name) is None and getattr(from_back, field_name) is not None:
                if field_name == "name" and who.company is not None and from_back.name == who.company:
                    continue
                if field_name in ("title", "department") and not same_person:
                    continue  # a title on the back is a note unless the back names the person too
                _take(who, from_back, field_name)
    _repair_from_each_other(found, who)
    contact.emails, contact.websites = found.emails, found.websites
    contact.name, contact.title, contact.company = who.name, who.title, who.company
    contact.given_name, contact.middle_name = who.given_name, who.middle_name
    contact.family_name = who.family_name
    contact.department = who.department
    confidence.update(who.confidence or {})

    if back is not None:
        leftover = [s.as_line() for s in back_segments if s.used_for is None and s not in (who.used or [])]
        contact.notes = _notes_from_lines(leftover, contact)
        if contact.notes:
            confidence["notes"] = _mean([s.conf for s in back_segments if s.used_for is None]) or 0.5

    for payload in qr or []:
        details = parse_payload(payload)
        if details is not None:
            _merge_qr(contact, details, confidence)

    contact.confidence = {k: max(0.0, min(1.0, v)) for k, v in confidence.items()}
    contact.raw_text = {"front": front.text, "back": back.text if back else None}
    return contact


NAME_CONF_FOR_REPAIR = 0.85  # a name read at least this well may correct an e-mail's local part


def _repair_from_each_other(found: _Found, who: people.People) -> None:
    """E-mail domains and website hosts repaired from their better-read copies (the company name
    deciding), e-mail local parts from the person's well-read name; duplicates made by a repair go."""
    email_conf = found.conf.get("emails", [])
    web_conf = found.conf.get("websites", [])
    hosts = [(e.rpartition("@")[2], email_conf[i] if i < len(email_conf) else 0.0)
             for i, e in enumerate(found.emails)]
    hosts += [(h, web_conf[i] if i < len(web_conf) else 0.0) for i, h in enumerate(found.hosts)]
    fixes = repair_hosts(hosts, who.company)
    name_conf = (who.confidence or {}).get("name", 0.0)
    patterns = set()
    if name_conf >= NAME_CONF_FOR_REPAIR:
        patterns = local_patterns(who.given_name, who.family_name, who.middle_name)
    emails: list[str] = []
    for email in found.emails:
        local, _, domain = email.rpartition("@")
        email = f"{repair_local(local, patterns)}@{fixes.get(domain, domain)}"
        if email not in emails:
            emails.append(email)
    found.emails = emails
    for i, host in enumerate(found.hosts):
        if host in fixes:
            site = found.websites[i]
            at = site.lower().find(host)
            found.websites[i] = site[:at] + fixes[host] + site[at + len(host):] if at >= 0 else site
            found.hosts[i] = fixes[host]


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _take(target: people.People, source: people.People, field_name: str) -> None:
    setattr(target, field_name, getattr(source, field_name))
    if field_name == "name":
        target.given_name, target.middle_name, target.family_name = (
            source.given_name, source.middle_name, source.family_name)
    if source.confidence and field_name in source.confidence and target.confidence is not None:
        target.confidence[field_name] = source.confidence[field_name]
    if target.used is not None and source.used:
        target.used.extend(source.used)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _close(a: str, b: str, limit: int) -> bool:
    """Edit distance of a and b is at most `limit` (cheap, for short strings)."""
    if abs(len(a) - len(b)) > limit:
        return False
    return edit_distance(a, b) <= limit


def _merge_qr(contact: Contact, qr: QrContact, confidence: dict[str, float]) -> None:
    """A vCard/MECARD fills missing fields and corrects misread ones; a URL corrects a website."""
    if qr.name:
        contact.name = qr.name
        given, middle, family = people.split_name(qr.name)
        contact.given_name = qr.given_name or given
        contact.middle_name = qr.middle_name or middle
        contact.family_name = qr.family_name or family
        confidence["name"] = 0.99
    for field_name in ("title", "company"):
        value = getattr(qr, field_name)
        if value:
            setattr(contact, field_name, value)
            confidence[field_name] = 0.99
    for email in qr.emails:
        # the code's address replaces every printed one OCR misread into a near copy of it
        near = [i for i, e in enumerate(contact.emails) if e != email and _close(e, email, 3)]
        if email not in contact.emails:
            contact.emails.insert(near[0] if near else len(contact.emails), email)
        contact.emails = [e for e in contact.emails if e == email or not _close(e, email, 3)]
        confidence["emails"] = 0.99
    for phone in qr.phones:
        if any(p.number == phone.number for p in contact.phones):
            continue
        digits = _digits(phone.number)
        similar = next((p for p in contact.phones if _close(_digits(p.number), digits, 2)), None)
        if similar is not None:
            similar.number = phone.number
        else:
            contact.phones.append(phone)
        confidence["phones"] = 0.99
    for site in qr.websites:
        key = _site_key(site).split("/")[0]
        for i, printed in enumerate(contact.websites):
            printed_key = _site_key(printed).split("/")[0]
            if printed_key != key and _close(printed_key, key, 2):
                contact.websites[i] = printed[: len(printed) - len(printed.lstrip("wW."))] + key \
                    if printed.lower().startswith("www.") else key
    if qr.address and not contact.address:
        contact.address = qr.address
