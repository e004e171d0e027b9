"""tidy_addresses: an email or web address's punctuation and letters as printed."""

from __future__ import annotations

import pytest

from cardscan.model import OcrWord
from cardscan.ocr import tidy_addresses


def line(*texts: str, gap: int = 12) -> list[OcrWord]:
    words, left = [], 10
    for text in texts:
        words.append(OcrWord(text, left, 100, 14 * len(text), 24, 90.0, block=1, paragraph=1, line=1))
        left += 14 * len(text) + gap
    return words


def texts(words: list[OcrWord]) -> list[str]:
    return [w.text for w in words]


@pytest.mark.parametrize(("read", "printed"), [
    (("hello", "@", "summitrock-media.co.uk"), ["hello@summitrock-media.co.uk"]),
    (("Email:", "sales", "@silvermarketing.com"), ["Email:", "sales@silvermarketing.com"]),
    (("E:", "christaylor@", "silvermarketing.com"), ["E:", "christaylor@silvermarketing.com"]),
    (("luca.bruno", "@", "swift-properties.com", "|", "www.swift.it"),
     ["luca.bruno@swift-properties.com", "|", "www.swift.it"]),
])
def test_an_email_split_at_its_at_sign_is_joined(read: tuple[str, ...], printed: list[str]) -> None:
    assert texts(tidy_addresses(line(*read))) == printed


def test_the_joined_address_spans_its_parts() -> None:
    parts = line("hello", "@", "acme.io")
    joined = tidy_addresses(parts)[0]
    assert (joined.left, joined.right) == (parts[0].left, parts[2].right)


@pytest.mark.parametrize("read", [
    ("IG", "@eleanor.fitzpatrick"),  # a handle after its label
    ("X:", "@drodriguez"),
    ("IG", "@jane.co"),  # a short capital label, even before a handle that looks like a host
    ("Meet", "@", "noon"),  # no host
    ("a@b.com", "@", "c.com"),  # two @s
])
def test_what_does_not_make_one_address_stays_apart(read: tuple[str, ...]) -> None:
    assert texts(tidy_addresses(line(*read))) == list(read)


def test_words_on_different_lines_are_not_joined() -> None:
    first = line("jane")
    second = [OcrWord("@acme.io", 10, 200, 100, 24, 90.0, block=1, paragraph=1, line=2)]
    assert texts(tidy_addresses(first + second)) == ["jane", "@acme.io"]


def test_accents_come_off_addresses_only() -> None:
    read = line("Mobìl", "g.colìc@schmìdt-colìc.de", "www.schmìdt-colìc.de", "x.com/gcolìc", "Čolić")
    assert texts(tidy_addresses(read)) == [
        "Mobìl", "g.colic@schmidt-colic.de", "www.schmidt-colic.de", "x.com/gcolic", "Čolić"]


@pytest.mark.parametrize(("read", "printed"), [
    ("https:⁄willowspark.uk", "https://willowspark.uk"),
    ("http:/acme.com", "http://acme.com"),
    ("https://acme.com", "https://acme.com"),
    ("Note:/ok", "Note:/ok"),
])
def test_a_schemes_slashes_are_put_back(read: str, printed: str) -> None:
    assert texts(tidy_addresses(line(read))) == [printed]


def test_words_without_an_address_are_returned_as_they_were() -> None:
    read = line("Günther", "Čolić", "HR", "Manager")
    out = tidy_addresses(read)
    assert all(a is b for a, b in zip(out, read, strict=True))
