"""Name, title, company and department: every free line scored on layout and lexicons.

Signals per line: glyph-height rank, position, job-title words, company legal forms and
industry words, given names, agreement with the e-mail's local part (jane.doe@, jdoe@) and with
the e-mail or web domain (the company). The best-scoring lines win, each line used once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nameparser import HumanName

from cardscan.parse.emails import FREE_MAIL
from cardscan.parse.layout import Segment, height_ranks
from cardscan.parse.lexicon import fold, lexicon, strip_accents

NAME_MIN_SCORE = 1.5
COMPANY_MIN_SCORE = 2.0
_NAME_WORD = re.compile(r"^(?:[^\W\d_][^\W\d_'’.\-]*(?:['’\-][^\W\d_]+)*\.?|[^\W\d_]\.)$")
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le",
                        "bin", "binti", "al", "el", "ben", "dos", "das", "ter", "ten", "y", "e", "zu"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "m", "sr", "sra",
                         "dipl", "ing", "eng", "er", "ca", "adv", "capt", "shri", "smt"})
_CREDENTIALS = re.compile(r",?\s*\b(?:ph\.?\s?d|m\.?\s?d|mba|cpa|pe|p\.eng|cfa|esq|jr|sr|ii|iii|msc|bsc|"
                          r"ma|ba|dipl\.?-?\w*|acca|cma|pmp)\.?\s*$", re.IGNORECASE)


@dataclass
class People:
    name: str | None = None
    given_name: str | None = None
    middle_name: str | None = None
    family_name: str | None = None
    title: str | None = None
    department: str | None = None
    company: str | None = None
    confidence: dict[str, float] | None = None
    used: list[Segment] | None = None


def _ascii_fold(text: str) -> str:
    """Folded, accents removed, German umlauts also as ae/oe/ue alternatives handled by callers."""
    return strip_accents(fold(text))


def _umlaut_variants(token: str) -> set[str]:
    folded = fold(token)
    variants = {strip_accents(folded)}
    german = folded.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    variants.add(strip_accents(german))
    return {re.sub(r"[^a-z0-9]", "", v) for v in variants}


def domain_label(host: str) -> str | None:
    """The organisation's part of a host: acme-robotics.co.uk -> acmerobotics."""
    host = host.lower().removeprefix("www.")
    if host in FREE_MAIL:
        return None
    labels = host.split(".")
    if len(labels) < 2:
        return None
    labels = labels[:-1]
    if len(labels) > 1 and labels[-1] in ("co", "com", "org", "net", "ac", "gov", "or", "ne", "gob", "edu"):
        labels = labels[:-1]
    label = re.sub(r"[^a-z0-9]", "", labels[-1])
    return label or None


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,]+", text.strip()) if t]


def _suffix_hit(text: str) -> bool:
    folded = fold(text.replace("&", " "))
    words = folded.split()
    suffixes = lexicon().company_suffixes
    for n in (4, 3, 2, 1):
        if len(words) > n and " ".join(words[-n:]) in suffixes:
            return True
    # "S.p.A." "Pvt.Ltd." fold to single letters: compare compactly
    compact = re.sub(r"[^a-z]", "", strip_accents(folded))
    tail = {"spa", "srl", "pvtltd", "ptyltd", "pteltd", "gmbh", "gmbhcokg", "sarl", "sas", "bv", "nv",
            "llc", "llp", "inc", "ltd", "plc", "sdnbhd", "coltd"}
    if len(words) < 2:
        return False
    return words[-1] in suffixes or any(compact.endswith(t) and len(compact) > len(t) + 2 for t in tail)


def email_agreement(text: str, locals_: list[str]) -> float:
    """How well a line agrees with the e-mails' local parts as a person's name (0..3)."""
    if not locals_:
        return 0.0
    words = [w for w in _tokens(text) if not w.endswith(".") or len(w) > 2]
    token_variants = [_umlaut_variants(w) for w in words]
    best = 0.0
    for local in locals_:
        compact = re.sub(r"[^a-z0-9]", "", strip_accents(local.lower()))
        parts = set(re.split(r"[._\-+]", strip_accents(local.lower())))
        score = 0.0
        hits = 0
        for variants in token_variants:
            if any(len(v) >= 2 and (v in parts or (len(v) >= 3 and v in compact)) for v in variants):
                hits += 1
        if hits >= 2:
            score = 3.0
        elif hits == 1:
            score = 1.8
            first = min(token_variants[0]) if token_variants else ""
            last = token_variants[-1] if token_variants else set()
            if first and any(compact == first[0] + v or compact == first[0] + "." + v for v in last):
                score = 3.0
        best = max(best, score)
    return best


def domain_agreement(text: str, labels: list[str]) -> float:
    """How well a line agrees with the e-mail/web domain as the company's name (0..3)."""
    if not labels:
        return 0.0
    words = [w for w in fold(text.replace("&", " ")).split() if w not in lexicon().company_suffixes]
    if not words:
        return 0.0
    compact = re.sub(r"[^a-z0-9]", "", strip_accents("".join(words)))
    full = re.sub(r"[^a-z0-9]", "", strip_accents(fold(text)))
    first = re.sub(r"[^a-z0-9]", "", strip_accents(words[0]))
    initials = "".join(w[0] for w in words if w)
    best = 0.0
    for label in labels:
        if label in (compact, full):
            best = max(best, 3.0)
        elif len(label) >= 4 and (compact.startswith(label) or label.startswith(compact)):
            best = max(best, 2.5)
        elif len(first) >= 4 and label.startswith(first):
            best = max(best, 2.0)
        elif len(label) >= 3 and (label in compact or (len(compact) >= 5 and compact in label)):
            best = max(best, 1.5)
        elif len(initials) >= 2 and label == initials:
            best = max(best, 2.0)
    return best


def _is_name_shaped(text: str) -> bool:
    words = _tokens(_CREDENTIALS.sub("", text))
    if not 2 <= len(words) <= 5:
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    lexical = [w for w in words if fold(w) not in _PARTICLES]
    return all(w[0].isupper() for w in lexical) and sum(len(w.strip(".")) > 1 for w in words) >= 2


def _title_words(text: str) -> int:
    lex = lexicon()
    words = fold(text).split()
    count = sum(1 for w in words if lex.is_title_word(w))
    joined = fold(text)
    if re.search(r"\b(?:vice president|head of|managing director|co founder)\b", joined):
        count += 1
    return count


def _department_only(text: str) -> bool:
    lex = lexicon()
    folded = fold(text)
    if folded in lex.department_phrases:
        return True
    words = folded.split()
    return bool(words) and all(w in lex.department_words for w in words) and not _title_words(text)


def _company_words(text: str) -> int:
    lex = lexicon()
    return sum(1 for w in fold(text).split() if w in lex.company_words)


def _given_name_hits(text: str) -> int:
    lex = lexicon()
    words = [w for w in _tokens(text) if len(w.strip(".")) > 1]
    return sum(1 for w in words[:2] if lex.is_given_name(w.strip(".,")))


def pretty_name(text: str) -> str:
    """The name as a person writes it: capitals turned into Title Case, credentials dropped."""
    text = _CREDENTIALS.sub("", text).strip(" ,")
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        human = HumanName(text)
        human.capitalize(force=True)
        text = str(human)
        text = re.sub(r"\b(Mc|Mac|O')([a-z])", lambda m: m.group(1) + m.group(2).upper(), text) \
            if re.search(r"\b(?:Mc|O')[a-z]", text) else text
    return " ".join(text.split())


def split_name(name: str) -> tuple[str | None, str | None, str | None]:
    human = HumanName(name)
    return human.first or None, human.middle or None, human.last or None


def _clean_title(text: str) -> str:
    return text.strip(" ,|-–")


def _join_title(lines: list[str]) -> str:
    """Title lines as one: "Director," + "Global Business Development" keeps one comma."""
    joined = _clean_title(lines[0])
    for line in lines[1:]:
        joiner = " " if re.search(r"(?:&|/|\b(?:and|of|for|und|et|de))$", joined) else ", "
        joined += joiner + _clean_title(line)
    return joined


_GLUED_SUFFIX = re.compile(r"\b(Pvt|Pty|Pte|PVT|PTY|PTE)\.?(Ltd|LTD|Limited|LIMITED)\b")


def repair_company(text: str) -> str:
    """Undo OCR damage to a legal form: "PvtLtd" -> "Pvt Ltd", "Ltg" -> "Ltd"."""
    text = _GLUED_SUFFIX.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    return re.sub(r"\b(Lt)[gq]\b", r"\1d", text)


def _top_line_company(free: list[Segment], name_seg: Segment | None, ranks: dict[int, int], top_line: int,
                      company_scores: dict[int, float], name_scores: dict[int, float]) -> Segment | None:
    """No line says "company" by its words: the first line of the card in large type, when it is
    not a person, a title, a department or a slogan, is the company's name (a logo in letters)."""
    for s in sorted(free, key=lambda s: s.line_no)[:2]:
        if s is name_seg or s.line_no > top_line + 1 or ranks[id(s)] > 1:
            continue
        words = _tokens(s.text)
        if not 1 <= len(words) <= 5 or s.conf < 0.6:
            continue
        if all(fold(w) in _NOT_A_COMPANY for w in words) or sum(c.isalpha() for c in s.text) < 3:
            continue
        if any(w[:1].islower() and fold(w) not in _PARTICLES for w in words):
            continue
        if _title_words(s.text) or _department_only(s.text) or name_scores[id(s)] >= NAME_MIN_SCORE - 0.5:
            continue
        if company_scores[id(s)] < 0:
            continue
        return s
    return None


_NAMED_UNIT = re.compile(r"\b(?:department|dept|division|div)\.?$", re.IGNORECASE)


def _named_unit(text: str) -> bool:
    """"Information Systems Division", "Planning Department": a unit named as one."""
    return bool(_NAMED_UNIT.search(text.strip())) and 2 <= len(_tokens(text)) <= 6 and not _suffix_hit(text)


def _just_below(upper: Segment, lower: Segment) -> bool:
    """`lower` is the next printed line after `upper`, in the same block."""
    if upper is lower or upper.side != lower.side or not 0 < lower.line_no - upper.line_no <= 2:
        return False
    gap = lower.top - upper.bottom
    overlap = min(upper.right, lower.right) - max(upper.left, lower.left)
    return -0.3 * upper.height <= gap <= 1.5 * max(upper.height, lower.height) and overlap > 0


def _latin_accented(text: str) -> bool:
    return any(ord(c) > 127 and c.isalpha() for c in text)


def _only_legal_form(text: str) -> bool:
    """"JOINT STOCK COMPANY", "SERVICES L.L.C": a company line that is no name on its own."""
    lex = lexicon()
    words = fold(text.replace("&", " ")).split()
    whole = " ".join(words)
    if not words:
        return False
    suffix_words = {w for suffix in lex.company_suffixes for w in suffix.split()}
    legal = suffix_words | {"company", "co", "joint", "stock"}
    return whole in lex.company_suffixes or all(w in lex.company_words or w in legal for w in words)


def _company_head(company_seg: Segment, free: list[Segment], taken: list[Segment]) -> Segment | None:
    """The first part of a company name printed over two lines or in two sizes, when the chosen
    line is only its legal form: the line above in the same type, or the words left of it."""
    for s in free:
        if s in taken or s is company_seg or s.side != company_seg.side or _title_words(s.text):
            continue
        if s.text.isupper() != company_seg.text.isupper() or not re.search(r"[^\W\d_]{3}", s.text):
            continue
        same_line = s.line_no == company_seg.line_no and s.right < company_seg.left
        similar = abs(s.height - company_seg.height) <= 0.25 * max(s.height, company_seg.height)
        if same_line or (similar and _just_below(s, company_seg)):
            return s
    return None


_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|herr|frau|mme|m)\.?\s+(?=\S)", re.IGNORECASE)
_ROLE_PREFIX = re.compile(r"^(?:prop|proprietor|ceo|md|director)\b\.?\s*[:\-]?\s+(?=\S)", re.IGNORECASE)
_NOT_A_COMPANY = frozenset({"with", "and", "the", "for", "from", "your", "our", "by", "at", "to", "of",
                            "welcome", "thank", "you", "contact", "us", "card", "name"})


def assign(segments: list[Segment], emails: list[str], hosts: list[str]) -> People:
    """Pick name, title, company and department among the free segments of one side."""
    free = [s for s in segments if s.used_for is None and re.search(r"[^\W\d_]{2}", s.text)]
    free = [s for s in free if len(re.findall(r"\d", s.text)) < 3]
    result = People(confidence={}, used=[])
    if not free:
        return result
    ranks = height_ranks(free)
    locals_ = [e.rpartition("@")[0] for e in emails if e.rpartition("@")[2] not in FREE_MAIL] or \
        [e.rpartition("@")[0] for e in emails]
    generic_locals = {"info", "sales", "contact", "hello", "office", "mail", "admin", "support", "enquiries",
                      "kontakt", "team", "service", "export", "import", "hr", "accounts", "marketing"}
    locals_ = [loc for loc in locals_ if loc not in generic_locals]
    labels = list(dict.fromkeys(
        lab for lab in (domain_label(h) for h in [e.rpartition("@")[2] for e in emails] + hosts) if lab
    ))
    top_line = min(s.line_no for s in free)

    company_scores: dict[int, float] = {}
    name_scores: dict[int, float] = {}
    for s in free:
        text = s.text
        rank = ranks[id(s)]
        titles = _title_words(text)
        suffix = _suffix_hit(text)
        cwords = _company_words(text)
        dom = domain_agreement(text, labels)
        person = _ROLE_PREFIX.sub("", _HONORIFIC.sub("", text))  # the name without "Mr." or "Prop."
        mail = email_agreement(person, locals_)
        given = _given_name_hits(person)
        shaped = _is_name_shaped(person)
        person_titles = _title_words(person)
        dept = _department_only(text)
        lowercase_words = sum(1 for w in _tokens(text) if w[:1].islower() and fold(w) not in _PARTICLES
                              and fold(w) not in ("&", "and", "und", "et", "of", "de"))
        company = 3.0 * suffix + dom + 1.2 * min(cwords, 2) - 2.0 * min(titles, 1) - 1.0 * mail
        company += 0.6 * (rank == 0) + 0.4 * (s.line_no == top_line)
        company -= 1.5 * (lowercase_words >= 2) + 1.0 * dept
        if given and shaped and not suffix and not dom:
            company -= 1.5
        name = -5.0
        if shaped:
            name = 1.0 * min(given, 2) + mail - 2.5 * min(person_titles, 1) - 4.0 * suffix
            name -= 1.0 * min(cwords, 2)
            name -= 1.5 * (dom >= 2.0) + 2.0 * dept
            name += 0.5 * (rank <= 1) + 0.5
            if s.text.isupper():
                name += 0.1
        company_scores[id(s)] = company
        name_scores[id(s)] = name

    # a name-shaped line printed right above a title line is the person (a name OCR cannot
    # confirm by a given-name list or the e-mail)
    for s in free:
        if name_scores[id(s)] > -5.0 and s.conf >= 0.6 and any(
                _just_below(s, t) and _title_words(t.text) and not _suffix_hit(t.text) for t in free):
            name_scores[id(s)] += 0.75

    used: list[Segment] = []
    conf = result.confidence
    assert conf is not None
    # the person first when the evidence for them is strong, else the company first
    by_name = sorted(free, key=lambda s: -name_scores[id(s)])
    by_company = sorted(free, key=lambda s: -company_scores[id(s)])
    name_seg = by_name[0] if name_scores[id(by_name[0])] >= NAME_MIN_SCORE else None
    company_seg = next((s for s in by_company if s is not name_seg), None)
    if company_seg is not None and company_scores[id(company_seg)] < COMPANY_MIN_SCORE:
        company_seg = None
    if name_seg is not None and company_seg is None \
            and company_scores[id(name_seg)] > max(name_scores[id(name_seg)], COMPANY_MIN_SCORE):
        company_seg, name_seg = name_seg, None
    if name_seg is not None:
        printed = _HONORIFIC.sub("", name_seg.text)
        role = _ROLE_PREFIX.match(printed)
        if role:
            # "Prop. Satish Kumar Saini", "CEO Jane Doe": a role printed before the name
            printed = printed[role.end():]
            role_title = role.group(0).strip()
        else:
            role_title = None
        result.name = pretty_name(printed)
        result.given_name, result.middle_name, result.family_name = split_name(result.name)
        margin = name_scores[id(name_seg)]
        conf["name"] = round(name_seg.conf * min(1.0, 0.5 + margin / 6), 3)
        used.append(name_seg)
    fallback = False
    if company_seg is None:
        company_seg = _top_line_company(free, name_seg, ranks, top_line, company_scores, name_scores)
        fallback = company_seg is not None
    if company_seg is not None:
        head = _company_head(company_seg, free, used) if _only_legal_form(company_seg.text) else None
        result.company = repair_company(company_seg.text.strip(" ,|"))
        if head is not None:
            result.company = f"{head.text.strip(' ,|')} {result.company}"
            used.append(head)
        certainty = 0.5 if fallback else min(1.0, 0.45 + company_scores[id(company_seg)] / 7)
        conf["company"] = round(company_seg.conf * certainty, 3)
        used.append(company_seg)

    if name_seg is not None and role_title:
        result.title = role_title
        conf["title"] = round(name_seg.conf * 0.7, 3)
    rest = [s for s in free if s not in used]
    title_lines = [s for s in rest if _title_words(s.text) and len(_tokens(s.text)) <= 8]
    dept_lines = [s for s in rest
                  if (_department_only(s.text) or _named_unit(s.text)) and s not in title_lines]
    title_seg = None
    if title_lines and result.title is None:
        def title_key(s: Segment) -> tuple[float, int]:
            near = 0.0
            if name_seg is not None:
                near = 1.0 if 0 < s.line_no - name_seg.line_no <= 2 else 0.0
            return (_title_words(s.text) + near, -s.line_no)
        title_seg = max(title_lines, key=title_key)
        chosen = [title_seg]
        translated = False
        # a title printed over two lines: the next line holds title words too
        for s in sorted(rest, key=lambda s: s.line_no):
            same_look = abs(s.height - title_seg.height) <= 0.15 * title_seg.height + 2
            same_look = same_look and s.side == title_seg.side
            follows = s.line_no == chosen[-1].line_no + 1
            continued = bool(re.search(r"(?:[,&/]|\b(?:and|of|for|und|et|de))$", chosen[-1].text.strip()))
            goes_on = s in title_lines or continued or _named_unit(s.text)
            if s is not title_seg and follows and same_look and goes_on:
                chosen.append(s)
            elif s is not title_seg and s in title_lines and _just_below(chosen[-1], s) and len(chosen) == 1 \
                    and _latin_accented(chosen[-1].text) != _latin_accented(s.text):
                # the same title in a second language, in other type: "GENEL MÜDÜR" / "GENERAL MANAGER"
                translated = True
                chosen.append(s)
        if translated:
            result.title = " / ".join(_clean_title(s.text) for s in chosen)
        else:
            result.title = _join_title([s.text for s in chosen])
        conf["title"] = round(min(s.conf for s in chosen) * 0.95, 3)
        used.extend(chosen)
    elif dept_lines and name_seg is not None:
        below = [s for s in dept_lines if 0 < s.line_no - name_seg.line_no <= 2
                 or (_named_unit(s.text) and 0 < name_seg.line_no - s.line_no <= 2)]
        if below:
            title_seg = below[0]
            result.title = _clean_title(title_seg.text)
            conf["title"] = round(title_seg.conf * 0.7, 3)
            used.append(title_seg)
    dept_lines = [s for s in dept_lines if s not in used]
    if dept_lines and (title_seg is not None or name_seg is not None):
        anchor = title_seg or name_seg
        assert anchor is not None
        dept_seg = min(dept_lines, key=lambda s: abs(s.line_no - anchor.line_no))
        if abs(dept_seg.line_no - anchor.line_no) <= 3:
            result.department = _clean_title(dept_seg.text)
            conf["department"] = round(dept_seg.conf * 0.85, 3)
            used.append(dept_seg)
    result.used = used
    return result
