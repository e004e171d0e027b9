"""Phone numbers: phonenumbers' matcher with the card's region, kinds from printed labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberType

from cardscan.model import Phone
from cardscan.parse.lexicon import fold, lexicon
from cardscan.strings import edit_distance

# OCR reads 0 as O/o and 1 as l/I/| inside digit runs; only repaired between digits.
_DIGIT_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1",
                     "S": "5", "B": "8", "Z": "2"}
_LOOKALIKE_RE = re.compile(r"(?<=[\d\s()./-])([OoDQlI|iSBZ])(?=[\d\s()./-]*\d)")
_DATE = re.compile(r"^\s*\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*(?:\d{4}|\d{2})\s*$")
_LABEL_CHARS = re.compile(r"[^\w/&+]+")
_ZERO_LABEL = re.compile(r"(?:(?<=^)|(?<=\s))0(\s*:)")  # "0: 0161 …" is the label O (office)
_COUNTRY_TAG = re.compile(r"\(\s*[A-Z]{2,3}\s*\)\s*$")  # "M: (TH) +66 …": the country, not a label
_PAREN_COUNTRY = re.compile(r"^\(\s*[1-9]\d?\s*\)")  # "(65) 6486 8189": Singapore style
_JOINERS = re.compile(r"^[\s,;/&|]*(?:or|ou|oder|und|and)?[\s,;/&|]*$", re.IGNORECASE)


# "07,94,17,45,37", "70:60": commas and colons OCR put for the dots or spaces of a digit run;
# blur takes the lower half of a dot for a comma here and there, "04.88,89.66.98"
_ODD_GROUP_SEPARATORS = re.compile(r"\d{1,4}(?:[.,:]\s?\d{2,4}){2,}|(?<=\s)\d{2,4}:\d{2,4}(?=\s\d)")
# a label glued to its number: "T433 5 32 …", "Tel+49 …"
_GLUED_LABEL = re.compile(r"(?<![\w+])([A-Za-z]{1,4})[.:]?(?=[+\d])")


def _normalise_separators(text: str) -> str:
    return _ODD_GROUP_SEPARATORS.sub(lambda m: re.sub(r"[,:]\s?", " ", m.group(0)), text)


def _unglue_label(match: re.Match[str]) -> str:
    return match.group(0) + " " if fold(match.group(1)) in lexicon().phone_labels else match.group(0)


def _plus_read_as_four(text: str, region: str) -> str:
    """'T 433 5 32 70 60 52' on a French card: OCR read the '+' of '+33' as a 4. Repaired only
    when the digits after the 4 open with the card's country code and only then make a valid number."""
    code = str(phonenumbers.country_code_for_region(region) or "")
    if not code:
        return text

    def sub(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if not digits.startswith("4" + code):
            return match.group(0)
        try:
            as_printed = phonenumbers.parse(digits, region)
            as_plus = phonenumbers.parse("+" + digits[1:], None)
        except phonenumbers.NumberParseException:
            return match.group(0)
        if phonenumbers.is_valid_number(as_printed) or not phonenumbers.is_valid_number(as_plus):
            return match.group(0)
        return "+" + match.group(0)[1:]

    return re.sub(r"(?<![\d+])4\d[\d\s.()-]{7,}\d", sub, text)


@dataclass
class FoundPhone:
    phone: Phone
    labelled: bool
    start: int
    end: int
    doubtful: bool = False  # not a valid number, and printed without the '+' that would vouch for it


def _shorter_than_the_region_numbers(number: phonenumbers.PhoneNumber, region: str) -> bool:
    """'442 172' after "M" is a fragment, not a phone: shorter than every number of the region's
    fixed lines and mobiles."""
    lengths = []
    for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            lengths.append(len(str(example.national_number)))
    return bool(lengths) and len(str(number.national_number)) < min(lengths)


_SPACED_LETTERS = re.compile(r"\b[A-Za-z](?: [A-Za-z]){1,7}\b")


def _collapse_label(match: re.Match[str]) -> str:
    """"T E L" and "F A X", letter-spaced labels, read as the label they spell."""
    word = match.group(0).replace(" ", "")
    return word if fold(word) in lexicon().phone_labels and len(word) > 1 else match.group(0)


def fix_digits(text: str) -> str:
    """Repair letters OCR put for digits, only where they sit between digits of a number."""
    def sub(match: re.Match[str]) -> str:
        start = match.start()
        before = text[max(0, start - 3):start]
        if not re.search(r"\d", before):
            return match.group(0)
        return _DIGIT_LOOKALIKES[match.group(1)]

    return _LOOKALIKE_RE.sub(sub, text)


def label_kind(text: str) -> tuple[str | None, int]:
    """The kind named by the label at the end of `text` ("Tel.:", "Mob", "F"), and where the
    label starts in `text`; (None, len(text)) when the text does not end in a label."""
    labels = lexicon().phone_labels
    stripped = _COUNTRY_TAG.sub("", text).rstrip(" :.-=>)(#*~\t")
    words = list(re.finditer(r"[^\s:()]+", stripped))
    for n in (3, 2, 1):
        if len(words) < n:
            continue
        start = words[-n].start()
        key = fold(_LABEL_CHARS.sub(" ", stripped[start:]))
        if key in labels:
            return labels[key], start
    # a label glued to an icon glyph or a stray letter: "©Tel", "&Mobile"
    if words:
        last = re.sub(r"^[^A-Za-z]+", "", words[-1].group(0))
        key = fold(last)
        if len(key) >= 3 and key in labels:
            return labels[key], words[-1].start()
        # a label OCR misread by one letter, written with its colon: "Celt:" for "Cell:"
        if len(key) >= 4 and key.isalpha() and text[words[-1].end():].lstrip().startswith(":"):
            kinds = {kind for label, kind in labels.items()
                     if len(label) >= 3 and edit_distance(key, label) == 1}
            if len(kinds) == 1:
                return kinds.pop(), words[-1].start()
    return None, len(text)


def _trailing_kind(text: str) -> str | None:
    """A label printed after the number: "(mobile)", "- Fax"."""
    words = re.findall(r"[^\s:()\-,]+", text[:16])
    if not words:
        return None
    key = fold(words[0])
    kind = lexicon().phone_labels.get(key)
    # a one-letter word after a number is more often the next label than this one's
    return kind if kind and len(key) > 1 else None


def _default_kind(number: phonenumbers.PhoneNumber) -> str:
    """An unlabelled number: mobile when its number range is mobile only, else work (US/CA
    ranges serve both, and a business card's number is the office's unless it says otherwise)."""
    return "mobile" if phonenumbers.number_type(number) == PhoneNumberType.MOBILE else "work"


def _international(raw: str) -> phonenumbers.PhoneNumber | None:
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 8 or digits.startswith("0"):
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _reparse(raw: str, regions: tuple[str, ...]) -> phonenumbers.PhoneNumber | None:
    """A national number that is not valid for the card's region, read in the first region of
    `regions` where it is valid (cards that name no country, printed abroad)."""
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


_LONG_DIGIT_RUN = re.compile(r"(?<![\d+])\(?\d[\d\s().-]{6,}\d")


def _matches(text: str, region: str) -> list[phonenumbers.PhoneNumberMatch]:
    try:
        return list(phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE))
    except Exception:  # the matcher must never take the parser down
        return []


def _grouped_as_printed(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    """Whether the digits are grouped as the number's country writes them: "92156-26059" as an
    Indian mobile, "(617) 773-6726" as a US number, "011 6246 7214" as a Delhi one."""
    printed = [len(g) for g in re.findall(r"\d+", raw)]
    if len(printed) < 2:
        return False
    national = [len(g) for g in re.findall(r"\d+", phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.NATIONAL))]
    international = [len(g) for g in re.findall(r"\d+", phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))][1:]
    return printed in (national, international)


def _region_score(text: str, matches: list[phonenumbers.PhoneNumberMatch]) -> float:
    """How well a region reads a segment's numbers: valid numbers, numbers whose range agrees
    with their label (a mobile range after "M", a fixed line after "Office"), and numbers whose
    digits are grouped as that country prints them."""
    score = 0.0
    for match in matches:
        if not phonenumbers.is_valid_number(match.number):
            continue
        score += 1.0
        if _grouped_as_printed(match.raw_string, match.number):
            score += 0.25
        kind, _ = label_kind(text[: match.start])
        expected = {"mobile": PhoneNumberType.MOBILE, "work": PhoneNumberType.FIXED_LINE,
                    "fax": PhoneNumberType.FIXED_LINE}.get(kind or "")
        # (a range that serves both, as the US and Canada's, fits either label)
        if expected is not None and phonenumbers.number_type(match.number) in (
                expected, PhoneNumberType.FIXED_LINE_OR_MOBILE):
            score += 0.5
    return score


def region_score(texts: list[str], region: str) -> float:
    """How well `region` reads all the numbers of a card (see _region_score), to choose one
    country for a card that names none rather than a different one for each number."""
    total = 0.0
    for text in texts:
        text = _GLUED_LABEL.sub(_unglue_label, _normalise_separators(fix_digits(text)))
        text = _plus_read_as_four(text, region)
        total += _region_score(text, _matches(text, region))
    return total


def _valid_count(matches: list[phonenumbers.PhoneNumberMatch]) -> int:
    return sum(1 for m in matches if phonenumbers.is_valid_number(m.number))


def find_phones(text: str, region: str, address_like: bool = False,
                alternatives: tuple[str, ...] = ()) -> list[FoundPhone]:
    """The phone numbers in one segment, with their kinds.

    A number is kept when phonenumbers calls it valid for the region, or, failing that, when it
    is at least possible and written with a '+' or after a phone label. A segment that looks like
    an address only yields numbers that carry a label or a '+', so a postcode is never a phone.
    """
    text = _SPACED_LETTERS.sub(_collapse_label, _ZERO_LABEL.sub("O\\1", fix_digits(text)))
    text = _plus_read_as_four(_GLUED_LABEL.sub(_unglue_label, _normalise_separators(text)), region)
    found: list[FoundPhone] = []
    previous_end = 0
    previous_kind: str | None = None
    matches = _matches(text, region)
    read_abroad = False
    if alternatives and _valid_count(matches) < len(_LONG_DIGIT_RUN.findall(text)):
        best = _region_score(text, matches)
        for alternative in alternatives:
            other = _matches(text, alternative)
            score = _region_score(text, other)
            if score > best:
                matches, best, read_abroad = other, score, True
    for match in matches:
        prefix = text[previous_end:match.start]
        kind, label_at = label_kind(prefix)
        label_start = previous_end + label_at
        inherited = False
        if kind is None and previous_kind and _JOINERS.match(prefix):
            kind, label_start, inherited = previous_kind, match.start, True
        after = text[match.end:]
        next_match = next((m for m in matches if m.start >= match.end), None)
        if next_match is not None:
            after = text[match.end:next_match.start]
        if kind is None:
            kind = _trailing_kind(after)
        raw_number = match.raw_string
        plus = raw_number.lstrip().startswith("+") or "+" in text[max(0, match.start - 2):match.start]
        number = match.number
        digits = re.sub(r"\D", "", raw_number)
        if _DATE.match(raw_number) and kind is None:
            continue
        if len(digits) < 6:
            continue
        abroad = read_abroad
        valid = phonenumbers.is_valid_number(number)
        if (not valid or abroad or _PAREN_COUNTRY.match(raw_number)) and not plus:
            # "(65) 6486 8189", "81-52-204-2601": a country code printed without its '+'
            international = _international(raw_number)
            if international is not None:
                number, valid, plus, abroad = international, True, True, False
        if not valid and not plus and alternatives:
            reread = _reparse(raw_number, alternatives)
            if reread is not None:
                number, valid, abroad = reread, True, True
        # a short number read abroad is more often a postcode or a reference than a phone
        if abroad and not plus and not (len(digits) >= 9 or raw_number.lstrip("( ").startswith("0")):
            continue
        if not valid and (inherited or not ((plus or kind) and phonenumbers.is_possible_number(number))):
            continue
        if not valid and not plus and _shorter_than_the_region_numbers(
                number, phonenumbers.region_code_for_number(number) or region):
            continue
        # (a valid 8+ digit number opening the line is a phone from the next column, never a
        # house number or a postcode)
        opens_line = valid and len(digits) >= 8 and not text[:match.start].strip()
        if address_like and not (plus or kind) and not opens_line:
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        raw = text[min(label_start, match.start):match.end].strip()
        if kind == "ambiguous":  # "P." is Phone in English, Portable in French: the range decides
            kind = _default_kind(number)
        found.append(FoundPhone(
            phone=Phone(number=e164, kind=kind or _default_kind(number), raw=raw),
            labelled=kind is not None, start=match.start, end=match.end, doubtful=not valid and not plus,
        ))
        previous_end = match.end
        previous_kind = kind
    return found


def country_code_regions(text: str) -> list[str]:
    """Regions of the '+CC' numbers in a segment (for inferring the card's country)."""
    regions = []
    try:
        for match in phonenumbers.PhoneNumberMatcher(fix_digits(text), "ZZ", leniency=Leniency.POSSIBLE):
            code = phonenumbers.region_code_for_number(match.number)
            if code and code != "ZZ":
                regions.append(code)
            elif match.number.country_code:
                main = phonenumbers.region_code_for_country_code(match.number.country_code)
                if main and main not in ("ZZ", "001"):
                    regions.append(main)
    except Exception:
        return regions
    return regions
