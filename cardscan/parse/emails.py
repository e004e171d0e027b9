"""E-mail addresses: repair what OCR does to them, validate (offline), lower-case."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from cardscan.parse.lexicon import SPACED_ENDING, join_ending, lexicon, strip_accents

# What OCR and printers make of '@': the copyright sign, "(at)" spelled out, a full-width '@'.
_AT_VARIANTS = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\}|\(@\)|©|®|＠)\s*", re.IGNORECASE)
_SPACED_AT = re.compile(r"(?<=[\w.])\s*@\s*(?=\w)")
_DOT_VARIANTS = re.compile(r"\s*(?:\(dot\)|\[dot\])\s*", re.IGNORECASE)
# The address token with the '@' and whatever dotted pieces OCR spaced out after it.
_AT_TOKEN = re.compile(
    r"(?:[\w+-]+\s*\.\s*)*\S*@\S*(?:(?<=[.,])\s+(?-i:[a-z]{2,6})\b|\s*[.,]\s*[a-z0-9-]+\b)*", re.IGNORECASE
)
_CANDIDATE = re.compile(r"[\w.+'|-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SPACED_LABEL = re.compile(r"^(?:e|em|e-?mail|mail|courriel)\s*[.:]\s+", re.IGNORECASE)
_LABEL = re.compile(r"^(?:e-?mail|mail|courriel|correo)[:.]?", re.IGNORECASE)
# "g:colic@…": a colon between the words of a local part, where a label glued on ("E:jane@…")
# is not what comes before it, is a dot blur read with a speck above it
_COLON_IN_LOCAL = re.compile(r"^([\w-]+):(?=[\w-])")
_LABEL_WORD = re.compile(r"e|em|e-?mail|mail|courriel|correo", re.IGNORECASE)
_SPACED_ENDING = re.compile(r"(@[a-z0-9-]+)" + SPACED_ENDING)
# OCR endings worth one repair: ".corn" is "rn" read for "m".
_TLD_FIXES = {"corn": "com", "c0m": "com", "cpm": "com", "comn": "com", "coms": "com"}

FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.in", "yahoo.co.uk", "yahoo.fr", "hotmail.com",
    "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "gmx.de", "gmx.net",
    "web.de", "t-online.de", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "rediffmail.com",
    "protonmail.com", "proton.me", "mail.ru", "yandex.ru", "qq.com", "163.com", "126.com",
    "naver.com", "yahoo.co.jp", "zoho.com",
})


def repair(text: str) -> str:
    """Undo the usual OCR damage inside an e-mail address; text without an '@' is unchanged."""
    text = _AT_VARIANTS.sub("@", text)
    if "@" not in text:
        return text
    text = re.sub(r"@{2,}", "@", text)  # "jane®@acme.com": the '@' read twice
    # "jane@acmecom": the dot before a common ending lost
    text = re.sub(r"(@[a-z0-9-]{3,}?)(com|net|org)\b", r"\1.\2", text, flags=re.IGNORECASE) \
        if re.search(r"@[a-z0-9-]+(?:com|net|org)\b(?![.-])", text, re.IGNORECASE) else text
    # "jane@acme com": the dot before the ending lost (blur thins a dot away), the space kept;
    # only a domain with no dot at all, which cannot be an address as read
    text = _SPACED_ENDING.sub(join_ending, text)
    text = _DOT_VARIANTS.sub(".", text)
    text = _SPACED_AT.sub("@", text)

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        # a label such as "e." or "E-mail." before the address is not part of it
        label = _SPACED_LABEL.match(token)
        head = label.group(0) if label else ""
        token = re.sub(r"\s*([.,])\s*", r"\1", token[len(head):])
        local, _, domain = token.partition("@")
        local = re.sub(r"^\|", "l", local)
        colon = _COLON_IN_LOCAL.match(local)
        if colon and not _LABEL_WORD.fullmatch(colon.group(1)):
            local = colon.group(1) + "." + local[colon.end():]
        # a comma or a colon for a dot (blur leaves a dot's lower or upper half): no domain has either
        return head + local + "@" + domain.replace(",", ".").replace(":", ".")

    return _AT_TOKEN.sub(fix, text)


def _fix_tld(address: str) -> str:
    local, _, domain = address.rpartition("@")
    host, _, tld = domain.rpartition(".")
    if tld.lower() in _TLD_FIXES and host:
        domain = f"{host}.{_TLD_FIXES[tld.lower()]}"
    return f"{local}@{domain}"


def find_emails(text: str) -> list[str]:
    """The e-mail addresses in one segment of text, validated and lower-cased."""
    found = []
    for match in _CANDIDATE.finditer(repair(text)):
        candidate = _LABEL.sub("", match.group(0).strip(".-'|"))
        # printed addresses are ASCII; accents on them are Tesseract's ("schmìdt")
        candidate = strip_accents(candidate)
        if not lexicon().valid_tld(_fix_tld(candidate).rpartition(".")[2]):
            continue
        for attempt in (_fix_tld(candidate), candidate):
            try:
                email = validate_email(attempt, check_deliverability=False).normalized
            except EmailNotValidError:
                continue
            if email.lower() not in found:
                found.append(email.lower())
            break
    return found


def local_part(email: str) -> str:
    return email.rpartition("@")[0].lower()


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()
