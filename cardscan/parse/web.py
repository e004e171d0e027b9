"""Websites and social-media handles."""

from __future__ import annotations

import re

from cardscan.model import Social
from cardscan.parse.lexicon import SPACED_ENDING, join_ending, lexicon, strip_accents

_WEB = re.compile(
    r"(?<![\w@.-])(?:(?:https?|hxxp)\s*[:;.]?\s*/\s*/?\s*)?"
    r"((?:www\d?\s*[.,]\s*)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.([a-z]{2,})\b(?:/[\w./%#?=&~+-]*)?)(?![\w@-])",
    re.IGNORECASE,
)
_SOCIAL_HOSTS = {
    "linkedin.com": "linkedin", "twitter.com": "twitter", "x.com": "twitter",
    "instagram.com": "instagram", "instagr.am": "instagram", "github.com": "github",
    "facebook.com": "facebook", "fb.com": "facebook", "youtube.com": "youtube", "xing.com": "xing",
    "tiktok.com": "tiktok",
}
_SOCIAL_LABELS = {
    "linkedin": "linkedin", "in": "linkedin", "li": "linkedin",
    "twitter": "twitter", "x": "twitter", "tw": "twitter",
    "instagram": "instagram", "insta": "instagram", "ig": "instagram",
    "github": "github", "gh": "github", "git": "github",
    "facebook": "facebook", "fb": "facebook", "xing": "xing", "skype": "skype",
    "youtube": "youtube", "tiktok": "tiktok",
}
_LABELLED_HANDLE = re.compile(
    r"\b(" + "|".join(sorted(_SOCIAL_LABELS, key=len, reverse=True)) + r")\b\s*[:.\-/]?\s*"
    r"(@?[\w][\w.\-/]{1,60})",
    re.IGNORECASE,
)
# Company legal forms that look like host names once OCR drops a space ("Pvt.Ltd", "S.p.A").
_NOT_HOSTS = re.compile(r"^(?:pvt|co|s|e|b|n|sp|pte|sdn|p|inc)\.", re.IGNORECASE)


def _host_ok(host: str, tld: str) -> bool:
    lex = lexicon()
    if not lex.valid_tld(tld):
        return False
    labels = host.lower().split(".")
    if _NOT_HOSTS.match(host) and not host.lower().startswith("www"):
        return False
    # "Inc.com"? single short labels like "a.m" or "p.m" are not sites
    return not (len(labels) == 2 and len(labels[0]) < 2)


_SPACED_WWW = re.compile(r"((?:https?://)?\bwww)\.?\s+(?=[a-z0-9])", re.IGNORECASE)
_SCHEME_NO_DOT = re.compile(r"(https?://(?:www\.)?[a-z0-9-]{3,}?)(com|net|org)\b(?![.-])", re.IGNORECASE)
_WEB_LABEL = re.compile(r"^(?:w|web|website|site|url|internet|homepage)\s*[:.]?\s+(?=\S)", re.IGNORECASE)
_SPACED_TLD = re.compile(r"((?:https?://|www\.)[\w.-]*\.)\s+([a-z]{2,6})\b")
_LOST_DOT = re.compile(r"((?:https?://|www\.)[a-z0-9-]+)" + SPACED_ENDING)
# A host after www. with no dot at all, its ending read with the dot as an i or a colon: blur
# shows the dot with a speck above it ("www.acmeicom", as the colon of "acme:com").
_DOT_AS_I = re.compile(r"(\bwww\.[a-z0-9-]{2,}?)[i:](com|net|org)\b(?![.@/-])", re.IGNORECASE)


def find_websites(text: str) -> list[tuple[str, str]]:
    """(printed site without scheme, host) pairs in one segment; not inside e-mail addresses."""
    text = _SPACED_WWW.sub(r"\1.", strip_accents(text))  # "https://www. acme. io", "www acme.io"
    text = _SPACED_TLD.sub(r"\1\2", text)  # OCR put a space after the last dot: "www.acme. io"
    text = _SCHEME_NO_DOT.sub(r"\1.\2", text)  # "https://acmecom": the dot before the ending lost
    text = _LOST_DOT.sub(join_ending, text)  # "www.acme com": lost, the space kept (blur)
    text = _DOT_AS_I.sub(r"\1.\2", text)  # "www.acmeicom"
    label = _WEB_LABEL.match(text)
    if label:  # "W acme-tools, fr", "Web: acme:fr", "W acme. fr": a comma, colon or spaced dot
        value = re.sub(r"(?<=[a-z0-9])[.,:]\s?(?=[a-z]{2,6}\b)", ".", text[label.end():])
        text = text[:label.end()] + value
    found = []
    for match in _WEB.finditer(text):
        site = strip_accents(match.group(1))  # hosts are ASCII; accents on them are OCR's
        site = re.sub(r"^(www\d?)\s*[.,]\s*", r"\1.", site, flags=re.IGNORECASE).rstrip("/.,")
        host = site.split("/")[0]
        if not _host_ok(host, match.group(2)):
            continue
        # a bare host needs to look like a site: www., a path, or a known TLD with a long label
        explicit = site.lower().startswith("www") or match.group(0).lower().startswith("http")
        if not explicit and "/" not in site:
            tld = host.rsplit(".", 1)[-1].lower()
            if len(host.split(".")[0]) < 3 and tld not in lexicon().gtlds:
                continue
        found.append((site, host.lower().removeprefix("www.")))
    return found


def is_social_host(host: str) -> bool:
    host = host.lower().removeprefix("www.")
    return host in _SOCIAL_HOSTS or host.split(".", 1)[-1] in _SOCIAL_HOSTS


def social_from_site(site: str) -> Social | None:
    host, _, path = site.partition("/")
    host = host.lower().removeprefix("www.")
    service = _SOCIAL_HOSTS.get(host) or _SOCIAL_HOSTS.get(host.split(".", 1)[-1])
    if service is None or not path.strip("/"):
        return None
    handle = path.strip("/")
    if service != "linkedin":
        handle = handle.split("/")[0].lstrip("@")
    return Social(service=service, handle=handle)


def find_labelled_handles(text: str) -> list[Social]:
    """'LinkedIn: in/janedoe', 'X: @jdoe', 'IG @jane.doe' -> Social entries."""
    found = []
    for match in _LABELLED_HANDLE.finditer(text):
        label, handle = match.group(1).lower(), match.group(2).rstrip(".,")
        if re.match(r"\.[a-z]", text[match.end(1):], re.IGNORECASE):
            continue  # "github.com/…" is a URL, read by social_from_site
        service = _SOCIAL_LABELS.get(label)
        if service is None:  # "İn".lower() is not "in": a lookalike, not a label
            continue
        if label in ("in", "x", "li", "git", "tw", "gh", "ig") and not (
            handle.startswith("@") or "/" in handle or match.start() == len(text) - len(text.lstrip())
        ):
            continue
        if "@" in handle[1:] or ("." in handle.split("/")[0] and "/" in handle):
            continue
        if service == "linkedin":
            handle = handle.lstrip("@")
            if not handle.startswith(("in/", "company/")):
                handle = "in/" + handle
        else:
            handle = handle.lstrip("@")
        if len(handle) >= 2:
            found.append(Social(service=service, handle=handle))
    return found
