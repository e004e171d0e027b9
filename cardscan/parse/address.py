"""Postal addresses: the block found by postcode patterns per country and street words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cardscan.parse.layout import Segment
from cardscan.parse.lexicon import fold, lexicon

_ADDRESS_LABEL = re.compile(
    r"^(?:(?:head|main|registered|regd|branch|corporate|sales|postal|mailing|office|factory|works|"
    r"warehouse|plant)\s*)?(?:office|address|addr|add|adresse|anschrift|direcci[oó]n|indirizzo|"
    r"location|loc)?\s*[:.\-]\s*", re.IGNORECASE)
_UNIT = re.compile(
    r"^(?:suite|ste\.?|unit|floor|fl\.?|level|lvl|room|rm\.?|apt\.?|flat|office\s+no\.?|bldg\.?|building|"
    r"#|\d+(?:st|nd|rd|th)\s+floor|p\.?\s?o\.?\s*box|postfach|bp|b\.p\.)\b", re.IGNORECASE)
_GERMANIC_STREET = re.compile(
    r"\w{3,}(?:straße|strasse|str\.?|weg|platz|allee|gasse|ring|damm|ufer|straat|laan|gracht|plein|"
    r"vej|gade|gatan|vägen|gata)\b", re.IGNORECASE)


# "100 Bishopsgate", "Carrer de Balmes, 227", "Am Mühlbach 233": a street with no street word,
# trusted only right above a postcode line (its name may open with a short word before a longer).
_NUMBERED_PLACE = re.compile(r"^(?:\d+(?:-\d+)+,?\s*\S.*|"
                             r"\d{1,5}[a-zA-Z]?,?\s+[^\W\d]{3,}(?:\s+[^\W\d]+){0,3}|"
                             r"(?:[^\W\d]{2}\s+)?[^\W\d]{3,}(?:\s+[^\W\d]+){0,3},?\s+\d{1,5}[a-zA-Z]?)$")


# "38B Hang Bai, Hoan Kiem,", "12/4 Nguyen Trai, Ward 3": a house number, a street name and
# comma-separated places -- the shape of an address in countries that print no postcode.
_HOUSE_NUMBER_LINE = re.compile(r"^\d{1,5}(?:[/-]\d{1,4})?[A-Za-z]?,?\s+[^\W\d]{2,}[^,]*,")
# Indian addresses often give a landmark instead of a number: "Opp. City Mall, …", "Near Bus Stand, …".
_LANDMARK_LINE = re.compile(r"(?:^|,\s*)(?:opp\.?|opposite|near|nr\.?|behind|beside|next\s+to)\s+[^\W\d]\w*"
                            r"(?=[^,]*,)|,\s*(?:opp\.?|opposite|near|nr\.?|behind|beside|next\s+to)\s+[^\W\d]\w*",
                            re.IGNORECASE)
# A box number is not a postcode: "P.O. Box 1234", "Post Box : 2204", "Postfach 10 20 30".
_BOX_NUMBER = re.compile(r"\b(?:p\.?\s?o\.?\s?box|post\s*box|postbox|box|postfach|apartado|b\.?p\.?)"
                         r"\s*[:.#-]?\s*\d[\d ]*\d\b", re.IGNORECASE)
# A postcode given with its label: "Postal Code : 112", "PIN: 110001", "P.C. 113".
_LABELLED_POSTCODE = re.compile(r"\b(?:postal\s*code|post\s*code|postcode|zip(?:\s*code)?|pin(?:\s*code)?|"
                                r"p\.\s?c\.)\s*[:.#-]?\s*(\d{3,7})\b", re.IGNORECASE)
# "2153 PJ Nieuw Vennep", "80331 München": a line starting with a postcode and a town.
_POSTCODE_TOWN = re.compile(r"^(?:[A-Z]{1,2}-)?\d{4,5}\s+(?:\S{1,3}\s*[^\W\d]{2,}|[^\W\d]{3,})")


# A phone from the next column read into the start of an address line: no house number has 7 digits.
_LEADING_PHONE = re.compile(r"^\+?\d[\d -]{6,}\d\s+(?=[^\W\d])")
_ICON = "@©®•*>"


# A phone printed on the same OCR line after the address: "…, JAPAN  F A X: 81-52-204-2612".
_TRAILING_PHONE = re.compile(
    r"\s+(?:t\s?e\s?l|f\s?a\s?x|phone|ph|mob\w*|cell|tel\.?|t|f|m|o|p)\s*[:.]\s*\+?[\d(][\d\s()./-]{6,}.*$",
    re.IGNORECASE)


@dataclass
class PostcodeHit:
    country: str | None  # None: the pattern is shared by several countries
    postcode: str
    start: int
    end: int
    state: str | None = None
    candidates: tuple[str, ...] = ()
    city_after: bool = False  # the city follows the postcode (DE/FR style)


@dataclass
class Address:
    text: str
    parts: dict[str, str | None]
    region: str | None
    segments: list[Segment] = field(default_factory=list)
    conf: float = 0.0


def _states(country: str) -> frozenset[str]:
    return lexicon().states.get(country, frozenset())


def find_postcode(text: str) -> PostcodeHit | None:
    """The postcode in a line, with the country its pattern names (or could name)."""
    m: re.Match[str] | None
    # blank box numbers out (same length, so positions still hold)
    text = _BOX_NUMBER.sub(lambda b: " " * len(b.group(0)), text)
    for m in re.finditer(r"\b([A-Z]{2})\.?,?\s+(\d{5}(?:-\d{4})?)\b", text):
        if m.group(1) in _states("US"):
            return PostcodeHit("US", m.group(2), m.start(2), m.end(2), state=m.group(1))
    m = re.search(r"\b([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])\s?(\d[ABCEGHJ-NPRSTV-Z]\d)\b", text)
    if m:
        before = re.search(r"\b([A-Z]{2})\.?,?\s*$", text[: m.start()])
        state = before.group(1) if before and before.group(1) in _states("CA") else None
        return PostcodeHit("CA", f"{m.group(1)} {m.group(2)}", m.start(), m.end(), state=state)
    for m in re.finditer(r"\b(NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\.?,?\s+(\d{4})\b", text):
        return PostcodeHit("AU", m.group(2), m.start(2), m.end(2), state=m.group(1))
    m = re.search(r"\b((?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR))\s?(\d[ABD-HJLNP-UW-Z]{2})\b", text)
    if m and not re.match(r"^\d", m.group(1)):
        return PostcodeHit("GB", f"{m.group(1)} {m.group(2)}", m.start(), m.end())
    m = re.search(r"(?:^|[\s,])([1-9]\d{3})\s?([A-Z]{2})\s+[A-Z][a-z]", text)
    if m and m.group(2) not in ("ST", "RD", "AV"):
        return PostcodeHit("NL", f"{m.group(1)} {m.group(2)}", m.start(1), m.end(2), city_after=True)
    m = re.search(r"〒\s?(\d{3}-\d{4})|(?<![\d-])(\d{3}-\d{4})(?![\d-])", text)
    if m and not m.group(1) and not re.search(r"japan|tokyo|osaka|\w-(?:ku|shi|ken|cho|machi)\b", text,
                                              re.IGNORECASE):
        m = None
    if m:
        post = m.group(1) or m.group(2)
        return PostcodeHit("JP", post, m.start(), m.end())
    m = re.search(r"(?:^|[\s,\-–(])([1-8]\d{2}\s?\d{3})\b(?!\s*[-.]?\d)", text)
    if m and not re.search(r"\d[\s.-]*$", text[: m.start(1)]):
        country = "SG" if re.search(r"singapore", text, re.IGNORECASE) else "IN"
        candidates: tuple[str, ...] = ("IN", "SG", "CN", "RU")
        if re.search(r"\b(?:india|" + "|".join(lexicon().india_states) + r")\b", text, re.IGNORECASE):
            country = "IN"
        return PostcodeHit(country, m.group(1), m.start(1), m.end(1), candidates=candidates)
    m = re.search(r"(?:^|[\s,])(?:(D|F|E|I|FR|DE|ES|IT|TR|HR|A|CH|B|L|NL|DK)\s?-\s?)?(\d{2}\s?\d{3}|\d{4})\s+"
                  r"([A-ZÄÖÜÉÈÎÂÇİŞĞ][\w'’\-]+)", text)
    if m:
        rest = text[m.end(2):].split()[:3]
        if rest and fold(rest[0]).rstrip(".") in ("st", "ste") and len(rest) > 1 and rest[1][:1].isupper():
            rest = rest[1:]  # "44600 ST NAZAIRE": Saint, not Street
        if any(fold(w).rstrip(".") in lexicon().street_words for w in rest):
            return None
        prefix_country = {"D": "DE", "F": "FR", "E": "ES", "I": "IT", "A": "AT", "CH": "CH", "B": "BE",
                          "L": "LU", "DK": "DK"}.get((m.group(1) or "").upper(), m.group(1))
        post = m.group(2)
        five = len(post.replace(" ", "")) == 5
        candidates = ("DE", "FR", "ES", "IT", "TR", "US") if five else ("AT", "CH", "BE", "DK", "NO", "AU")
        return PostcodeHit(prefix_country, post, m.start(2), m.end(2), candidates=candidates, city_after=True)
    m = _LABELLED_POSTCODE.search(text)
    if m:
        return PostcodeHit(None, m.group(1), m.start(1), m.end(1))
    return None


def _has_street_word(text: str) -> bool:
    words = [w.strip(".,").lower() for w in text.split()]
    return any(w in lexicon().street_words for w in words) or bool(_GERMANIC_STREET.search(text))


def is_street(text: str) -> bool:
    words = [w.strip(".,").lower() for w in text.split()]
    lex = lexicon()
    has_digit = bool(re.search(r"\d", text))
    if _UNIT.match(text.strip()) and has_digit:
        return True
    if _GERMANIC_STREET.search(text) and has_digit:
        return True
    street_words = sum(1 for w in words if w in lex.street_words)
    if street_words and has_digit:
        return True
    return bool(re.search(r"\bp\.?\s?o\.?\s*box\b", text, re.IGNORECASE))


def country_in(text: str) -> str | None:
    """The country named by a whole segment or by its last comma-separated part."""
    names = lexicon().country_names
    parts = [p.strip() for p in re.split(r"[,\-–]", text) if p.strip()]
    for candidate in (text, *(parts[-1:] or [])):
        key = fold(candidate)
        if key in names and (key != "us" or candidate.strip() in ("US", "U.S.")):
            return names[key]
    return None


def city_region(text: str) -> str | None:
    cities = lexicon().cities
    folded = fold(text)
    for city, region in cities.items():
        if re.search(rf"\b{re.escape(city)}\b", folded):
            return region
    return None


def _strip_label(text: str) -> str:
    return _ADDRESS_LABEL.sub("", text, count=1).strip() if re.match(r"^\w+\s*\w*\s*[:]", text) else text


def language_region(text: str) -> str | None:
    return _language_region(text, ())


def country_in_text(text: str) -> str | None:
    """A country named anywhere in the text as a whole word (weaker than in the address)."""
    names = lexicon().country_names
    folded = " " + fold(text) + " "
    for name, region in names.items():
        if len(name) > 3 and f" {name} " in folded:
            return region
    return None


def _language_region(text: str, candidates: tuple[str, ...]) -> str | None:
    """Pick among countries sharing a postcode shape by the street words' language."""
    lowered = text.lower()
    hints = (
        ("DE", r"(?:straße|strasse|str\.|\bweg\b|platz|allee|gasse|deutschland|germany)"),
        ("FR", r"\b(?:rue|avenue|boulevard|bd|cedex|allée|quai|chemin|france|place)\b"),
        ("ES", r"\b(?:calle|c/|avda|avenida|paseo|plaza|españa|spain|planta)\b"),
        ("IT", r"\b(?:via|viale|piazza|corso|largo|italia|italy)\b"),
        ("TR", r"\b(?:sokak|sok|cad|caddesi|mahallesi|mah|bulvarı|türkiye|turkey)\b"),
        ("NL", r"\b(?:straat|laan|gracht|plein|nederland)\b"),
        ("AT", r"\b(?:wien|österreich|austria)\b"),
        ("CH", r"\b(?:zürich|schweiz|suisse|switzerland|genève)\b"),
        ("IN", r"\b(?:nagar|marg|colony|chowk|mohalla|india)\b"),
    )
    for region, pattern in hints:
        if (not candidates or region in candidates) and re.search(pattern, lowered):
            return region
    return None


def find_address(segments: list[Segment]) -> Address | None:
    """The card's postal address: one block of one to four segments around a postcode line
    (or a street line when no postcode is printed), with its parts and the country it names."""
    free = [s for s in segments if s.used_for is None]
    hits = {id(s): find_postcode(s.text) for s in free}
    anchors = [s for s in free if hits[id(s)] is not None]
    streets = [s for s in free if is_street(s.text)]
    countries = {id(s): country_in(s.text) for s in free}
    if anchors:
        # prefer a postcode line right after a street line
        def anchor_score(s: Segment) -> tuple[int, int]:
            hit = hits[id(s)]
            assert hit is not None
            near_street = any(_adjacent(t, s) for t in streets if t is not s) or is_street(s.text)
            return (int(near_street) * 2 + int(hit.country is not None), -s.line_no)
        anchor = max(anchors, key=anchor_score)
    elif streets:
        anchor = streets[0]
    elif shaped := [s for s in free if _HOUSE_NUMBER_LINE.match(s.text) or _LANDMARK_LINE.search(s.text)]:
        anchor = shaped[0]
    else:
        # no postcode and no street: a short "City, Country" line is all the card says
        places = [s for s in free if countries.get(id(s)) and len(s.text.split()) <= 5
                  and not re.search(r"\d{3,}", s.text)]
        if not places:
            return None
        anchor = places[0]
    block = [anchor]
    # lines above: street, unit, building names directly above the anchor
    current = anchor
    for _ in range(3):
        above = [s for s in free if s not in block and _adjacent(s, current) and s.line_no < current.line_no]
        above = [s for s in above if (is_street(s.text) or _UNIT.match(s.text)
                                      or (current is anchor and _NUMBERED_PLACE.match(s.text))
                                      or (hits.get(id(anchor)) and _has_street_word(s.text))
                                      or _continues(s.text))
                 and not hits.get(id(s))]
        if not above:
            break
        current = max(above, key=lambda s: s.line_no)
        block.insert(0, current)
    # lines below: a postcode line after a street anchor, then a country line
    current = anchor
    for _ in range(3):
        below = [s for s in free if s not in block and _adjacent(current, s) and s.line_no > current.line_no]
        has_postcode = any(hits.get(id(s)) for s in block)
        # no postcode yet: the block goes on through units, streets, a "2153 PJ Town" line and
        # any line the one above hands on with a trailing comma
        open_block = not has_postcode and (is_street(current.text) or _UNIT.match(current.text) is not None
                                            or _continues(current.text) or current is anchor)
        below = [s for s in below if countries.get(id(s)) or (hits.get(id(s)) and not has_postcode)
                 or (open_block and (_looks_like_city(s.text) or is_street(s.text)
                                     or _POSTCODE_TOWN.match(s.text) is not None))
                 or (_continues(current.text) and not _looks_like_contact_line(s.text))]
        if not below:
            break
        current = min(below, key=lambda s: s.line_no)
        block.append(current)
        if countries.get(id(current)):
            break
    texts = [_LEADING_PHONE.sub("", _TRAILING_PHONE.sub("", _strip_label(s.text.lstrip(_ICON + " "))))
             .strip(" ,;") for s in block]
    texts = [t for t in texts if t]
    if not texts:
        return None
    text = ", ".join(texts)
    parts, region = _parts(texts, [hits.get(id(s)) for s in block])
    conf = sum(s.conf for s in block) / len(block)
    return Address(text=text, parts=parts, region=region, segments=block, conf=conf)


def _continues(text: str) -> bool:
    """An address line printed with a trailing comma hands on to the next line."""
    return text.rstrip().endswith(",") and bool(re.search(r"[^\W\d_]{2}", text))


def _looks_like_contact_line(text: str) -> bool:
    return "@" in text or bool(re.match(r"^(?:www\.|https?:|t\b|tel|fax|ph|mob|e-?mail)", text, re.I))


def _looks_like_city(text: str) -> bool:
    words = text.split()
    if not 0 < len(words) <= 4 or re.search(r"\d{3,}", text):
        return False
    return bool(city_region(text) or country_in(text))


def _adjacent(upper: Segment, lower: Segment) -> bool:
    """`lower` is the next printed line of the same block as `upper`."""
    if upper.side != lower.side:
        return False
    gap = lower.top - upper.bottom
    height = max(upper.height, lower.height)
    if gap > 1.6 * height or gap < -0.5 * height:
        return False
    overlap = min(upper.right, lower.right) - max(upper.left, lower.left)
    return overlap > 0 or abs(upper.left - lower.left) < 2 * height


def _parts(texts: list[str], hits: list[PostcodeHit | None]) -> tuple[dict[str, str | None], str | None]:
    parts: dict[str, str | None] = {"street": None, "city": None, "region": None, "postcode": None,
                                    "country": None}
    joined = ", ".join(texts)
    country = None
    for t in reversed(texts):
        country = country_in(t)
        if country:
            break
    index = next((i for i, h in enumerate(hits) if h is not None), None)
    hit = hits[index] if index is not None else None
    street_lines = texts
    if hit is not None and index is not None:
        line = texts[index]
        parts["postcode"] = hit.postcode
        parts["region"] = hit.state
        # find the postcode inside the cleaned text again (the label may have been stripped)
        pos = line.find(hit.postcode)
        before, after = (line[:pos], line[pos + len(hit.postcode):]) if pos >= 0 else (line, "")
        pieces_before = [p.strip() for p in before.split(",") if p.strip()]
        if hit.state and pieces_before:
            pieces_before[-1] = re.sub(rf"\b{hit.state}\.?$", "", pieces_before[-1]).strip(" ,")
            if not pieces_before[-1]:
                pieces_before.pop()
        if hit.city_after:
            city = after.split(",")[0].strip(" -")
            city = re.sub(r"\s*\(?\b[A-Z]{2}\)?$", "", city) if hit.country == "IT" else city
            parts["city"] = city or None
            street_lines = texts[:index] + pieces_before
            country = country or hit.country
        else:
            if pieces_before:
                parts["city"] = pieces_before[-1].strip(" -")
                pieces_before = pieces_before[:-1]
            street_lines = texts[:index] + pieces_before
        if not country:
            country = hit.country
        if not country or (hit.candidates and country not in hit.candidates and not hit.country):
            country = _language_region(joined, hit.candidates) or city_region(joined) or country
    else:
        country = country or _language_region(joined, ()) or city_region(joined)
    street_lines = [s for s in street_lines if s and country_in(s) is None]
    parts["street"] = ", ".join(street_lines) or None
    parts["country"] = country
    return parts, country
