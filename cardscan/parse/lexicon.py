"""The parser's knowledge, kept as data files in `parse/data/` and loaded once.

Each word list is folded (NFKC, case-folded, accents kept) so lookups are cheap and uniform.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from cardscan.strings import strip_accents

# The ending of a host whose dots blur thinned away, the spaces around them kept: "acme com",
# "acme com sg", "acme fr" (com, net or org; a second-level label and its country; a country).
SPACED_ENDING = r"\s+((?:com|net|org|co|ac|gov|edu)(?:\s+[a-z]{2})?|[a-z]{2})\b(?![.@/-])"


def join_ending(match: re.Match[str]) -> str:
    """A SPACED_ENDING match (after the host, group 1) with its dots put back."""
    return match.group(1) + "." + ".".join(match.group(2).split())


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-folded, NFKC-normalised, punctuation turned into single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w&]+", " ", text).split())


def _read_text(name: str) -> str:
    return resources.files("cardscan.parse").joinpath("data", name).read_text(encoding="utf-8")


def _word_list(name: str) -> list[str]:
    return [
        line.strip() for line in _read_text(name).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _json(name: str) -> dict[str, Any]:
    data = json.loads(_read_text(name))
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class Lexicon:
    title_words: frozenset[str]
    title_suffixes: tuple[str, ...]
    company_suffixes: frozenset[str]  # folded, e.g. "pvt ltd", "gmbh co kg"
    company_words: frozenset[str]
    department_words: frozenset[str]
    department_phrases: frozenset[str]
    given_names: frozenset[str]  # folded and without accents
    phone_labels: dict[str, str]  # folded label -> kind
    street_words: frozenset[str]
    country_names: dict[str, str]  # folded name -> ISO code
    cities: dict[str, str]
    states: dict[str, frozenset[str]]
    india_states: frozenset[str]
    generic_cctlds: frozenset[str]
    cctld_regions: dict[str, str]
    gtlds: frozenset[str]
    label_regions: dict[str, tuple[str, ...]]  # folded phone label -> countries that print it
    fallback_regions: tuple[str, ...]  # tried in order for a national number with no country known
    legal_form_regions: dict[str, tuple[str, ...]]  # legal form, letters only ("pvtltd") -> countries

    def is_given_name(self, word: str) -> bool:
        return strip_accents(fold(word)) in self.given_names

    def is_title_word(self, word: str) -> bool:
        w = fold(word)
        if w in self.title_words:
            return True
        return len(w) > 7 and any(w.endswith(s) for s in self.title_suffixes)

    def valid_tld(self, tld: str) -> bool:
        tld = tld.lower()
        return tld in self.gtlds or (len(tld) == 2 and tld.isalpha())


@cache
def lexicon() -> Lexicon:
    countries = _json("countries.json")
    labels: dict[str, str] = {}
    for kind, words in _json("phone_labels.json").items():
        if kind.startswith("_"):
            continue
        for word in words:
            labels[fold(word)] = kind
    departments = [fold(d) for d in _word_list("departments.txt")]
    return Lexicon(
        title_words=frozenset(fold(w) for w in _word_list("titles.txt")),
        title_suffixes=tuple(fold(w) for w in _word_list("title_suffixes.txt")),
        company_suffixes=frozenset(fold(w) for w in _word_list("company_suffixes.txt")),
        company_words=frozenset(fold(w) for w in _word_list("company_words.txt")),
        department_words=frozenset(w for d in departments for w in d.split()),
        department_phrases=frozenset(departments),
        given_names=frozenset(strip_accents(fold(w)) for w in _word_list("given_names.txt")),
        phone_labels=labels,
        street_words=frozenset(w.lower().rstrip(".") for w in _word_list("street_words.txt")),
        country_names={fold(k): v for k, v in countries["names"].items()},
        cities={fold(k): v for k, v in countries["cities"].items()},
        states={k: frozenset(v) for k, v in countries["states"].items()},
        india_states=frozenset(countries["india_states"]),
        generic_cctlds=frozenset(countries["generic_cctlds"]),
        cctld_regions=dict(countries["cctld_regions"]),
        gtlds=frozenset(countries["gtlds"]),
        label_regions={fold(k): tuple(v) for k, v in countries["label_regions"].items()},
        fallback_regions=tuple(countries["fallback_regions"]),
        legal_form_regions={re.sub(r"[^a-z]", "", fold(k)): tuple(v)
                            for k, v in countries["legal_form_regions"].items()},
    )
