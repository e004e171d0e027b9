"""Cross-field repair: a card spells the same few words several times (the e-mail's domain, the
website, the company; the person's name and the e-mail's local part). A copy OCR misread is
repaired from a better-read copy when the two differ by a small, OCR-shaped edit.
"""

from __future__ import annotations

import re

from cardscan.parse.lexicon import strip_accents

# What OCR reads for what: (printed, read) pairs, both ways, costing less than a plain edit.
_CONFUSIONS = (
    ("rn", "m"), ("cl", "d"), ("li", "h"), ("vv", "w"), ("ri", "n"), ("in", "m"),
    ("0", "o"), ("1", "l"), ("1", "i"), ("l", "i"), ("5", "s"), ("8", "b"), ("6", "b"),
    ("b", "o"), ("e", "c"), ("u", "v"), ("t", "f"), ("rt", "n"),
)
CONFUSION_COST = 0.5
_PAIRS: dict[tuple[str, str], float] = {}
for _a, _b in _CONFUSIONS:
    _PAIRS[(_a, _b)] = _PAIRS[(_b, _a)] = CONFUSION_COST


def confusion_distance(a: str, b: str) -> float:
    """Edit distance where the substitutions OCR makes (rn/m, l/1/i, 0/o …) cost half."""
    rows = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = float(i)
    for j in range(len(b) + 1):
        rows[0][j] = float(j)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            best = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1,
                       rows[i - 1][j - 1] + (0 if a[i - 1] == b[j - 1] else 1))
            for (x, y), cost in _PAIRS.items():
                if i >= len(x) and j >= len(y) and a[i - len(x):i] == x and b[j - len(y):j] == y:
                    best = min(best, rows[i - len(x)][j - len(y)] + cost)
            rows[i][j] = best
    return rows[-1][-1]


def _near(a: str, b: str, share: float = 0.12) -> bool:
    """a and b differ by a small OCR-shaped edit relative to their length (never equal)."""
    if a == b or abs(len(a) - len(b)) > 2:
        return False
    return confusion_distance(a, b) <= max(CONFUSION_COST, share * max(len(a), len(b)))


def _squash(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", strip_accents(text or "").lower())


def _label(host: str) -> str:
    """The name part of a host: 'www.acme-tools.co.uk' -> 'acmetools'."""
    labels = host.lower().removeprefix("www.").split(".")
    return _squash(max(labels[:-1] or labels, key=len))


def repair_hosts(hosts: list[tuple[str, float]], company: str | None) -> dict[str, str]:
    """Misread host -> host, over the e-mail domains and website hosts of one card, each with its
    OCR confidence. Of two near copies the one the company name spells wins, else the one read
    with more confidence (by a clear margin)."""
    company_key = _squash(company)

    def spelled(host: str) -> bool:
        return bool(company_key) and _label(host) in company_key

    fixes: dict[str, str] = {}
    for host, conf in hosts:
        if spelled(host):
            continue
        better = [(spelled(other), other_conf, other) for other, other_conf in hosts
                  if other != host and host.rsplit(".", 1)[-1] == other.rsplit(".", 1)[-1]
                  and _near(_label(host), _label(other))
                  and (spelled(other) or other_conf >= conf + 0.1)]
        if better:
            fixes[host] = max(better)[2]
    return {bad: good for bad, good in fixes.items() if good not in fixes}


_TRANSLITERATIONS = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa",
})


def _spellings(text: str | None) -> set[str]:
    """A name as an address spells it: 'Schröder' -> schroder, schroeder; 'O Súilleabháin' ->
    osuilleabhain, o-suilleabhain."""
    lowered = (text or "").lower()
    found = set()
    for variant in (lowered, lowered.translate(_TRANSLITERATIONS)):
        found.add(_squash(variant))
        found.add(re.sub(r"[^a-z0-9-]", "", strip_accents(variant).replace(" ", "-")))
    found.discard("")
    return found


def local_patterns(given: str | None, family: str | None, middle: str | None = None) -> set[str]:
    """The local parts a person's name makes: jane.doe, janedoe, jdoe, j.doe, doe, jane, doe.jane …
    (a middle word goes with the family name too: 'Emma O Súilleabháin' -> eo-suilleabhain)."""
    patterns: set[str] = set()
    lasts = _spellings(family) | (_spellings(f"{middle} {family}") if middle and family else set())
    for first in _spellings(given):
        for last in lasts:
            patterns |= {first, last, f"{first}.{last}", f"{first}{last}", f"{first}_{last}",
                         f"{first}-{last}", f"{first[0]}{last}", f"{first[0]}.{last}", f"{last}.{first}",
                         f"{last}{first[0]}"}
    return patterns


def repair_local(local: str, patterns: set[str]) -> str:
    """The name pattern a misread local part was printed as, when exactly one is near it."""
    if not patterns or local in patterns:
        return local
    scored = sorted((confusion_distance(local, p), p) for p in patterns if abs(len(p) - len(local)) <= 2)
    if not scored:
        return local
    best, pattern = scored[0]
    if best > max(CONFUSION_COST, 0.1 * len(local)) or (len(scored) > 1 and scored[1][0] == best):
        return local
    return pattern
