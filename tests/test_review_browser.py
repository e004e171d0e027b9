"""The review page end to end, in a real headless browser: Debian's chromium driven by Playwright.

Set CARDSCAN_REVIEW_SCREENSHOT=docs/review.png to also save the README's screenshot.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_review_cards import SCRIPT_COMPANY, SCRIPT_TITLE, ReviewFixture, build_review_store

from cardscan.review.server import review_server, url
from cardscan.store import Store

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Session:
    cards: ReviewFixture
    truth: Path
    url: str


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    cards = build_review_store(tmp_path / "cards")
    truth = tmp_path / "my-samples"
    server = review_server(cards.db, 0, truth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Session(cards, truth, url(server))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def page(browser: Browser, session: Session) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 820})
    opened = context.new_page()
    opened.dialogs = []  # type: ignore[attr-defined]
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    opened.goto(session.url)
    expect(opened.locator("#list li")).to_have_count(5)
    expect(opened.locator("#card")).to_have_attribute("data-id", session.cards.contacts["marco"].id)
    yield opened
    context.close()


@dataclass
class Keyboard:
    """The page's keyboard, counting keystrokes (a typed character is one)."""

    page: Page
    strokes: int = 0
    log: list[str] = field(default_factory=list)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.strokes += len(text)
        self.log.append(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.strokes += 1
        self.log.append(f"<{key}>")


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _stored(session: Session, short: str) -> dict[str, object]:
    contact_id = session.cards.contacts[short].id
    with Store(session.cards.db) as store:
        contact = store.review_get(contact_id)
        reviewed = {item["id"]: item["reviewed_at"] for item in store.review_list()}
    assert contact is not None
    return {**contact.to_dict(), "reviewed_at": reviewed[contact_id]}


def _truth(session: Session, short: str) -> dict[str, object]:
    path = session.truth / "truth" / f"{session.cards.contacts[short].id}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def test_correct_a_field_save_and_the_store_and_truth_file_change(page: Page, session: Session) -> None:
    # The most doubtful card comes first, its unsure field marked and ready to type over.
    expect(page.locator("#f-name")).to_have_value("Marc0 Ross1")
    expect(page.locator('.field[data-field="name"]')).to_have_class("field low")
    assert _focused(page) == "f-name"
    expect(page.locator("#front-photo")).to_have_js_property("complete", True)
    assert page.locator("#front-photo").evaluate("img => img.naturalWidth") == 640

    page.keyboard.type("Marco Rossi")
    page.keyboard.press("Enter")

    expect(page.locator("#status")).to_contain_text("Saved: name corrected.")
    expect(page.locator("#f-title")).to_have_value("Senior Prodnct Manaqer")  # on to the next card
    stored = _stored(session, "marco")
    assert stored["name"] == "Marco Rossi" and stored["reviewed_at"]
    with Store(session.cards.db) as store:
        machine = store.review_machine(session.cards.contacts["marco"].id)
    assert machine is not None and machine.name == "Marc0 Ross1"
    truth = _truth(session, "marco")
    assert truth["name"] == "Marco Rossi" and truth["company"] == "Rossi & Figli S.r.l."
    assert (session.truth / str(truth["image"])).is_file()


def test_three_doubtful_cards_are_corrected_by_keyboard_alone(page: Page, session: Session) -> None:
    keys = Keyboard(page)
    corrections = [("marco", "name", "Marco Rossi"), ("jane", "title", "Senior Product Manager"),
                   ("nordlicht", "company", "Nordlicht GmbH")]
    for short, name, value in corrections:
        # Each card opens with the cursor in its doubtful field, the machine's text selected.
        assert _focused(page) == f"f-{name}", short
        keys.type(value)
        keys.press("Enter")
        expect(page.locator("#status")).to_contain_text(f"Saved: {name} corrected.")

    for short, name, value in corrections:
        assert _stored(session, short)[name] == value
        assert _stored(session, short)["reviewed_at"]
        assert _truth(session, short)[name] == value
    with Store(session.cards.db) as store:
        assert store.review_list(needs_review=True) == []
    # One keystroke per character typed, one to save each card: no mouse, no extra navigation.
    assert keys.strokes == sum(len(value) + 1 for *_, value in corrections)

    # The cards the reader was sure of: accepted with one key each.
    expect(page.locator("#f-name")).to_have_value("Eve Mallory")
    keys.press("a")
    expect(page.locator("#f-name")).to_have_value("Li Wei")
    keys.press("a")
    expect(page.locator("#status")).to_contain_text("Every card in this list is reviewed.")
    assert _stored(session, "li")["reviewed_at"] and _stored(session, "eve")["reviewed_at"]
    expect(page.locator("#progress")).to_have_text("5 cards · 0 to review")


def test_navigation_filter_and_zoom_keys(page: Page, session: Session) -> None:
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    expect(page.locator("#f-name")).to_have_value("Jane Q. Doe")
    assert _focused(page) == ""  # browsing leaves the fields alone
    page.keyboard.press("k")
    expect(page.locator("#f-name")).to_have_value("Marc0 Ross1")
    page.keyboard.press("Escape")
    page.keyboard.press("z")
    expect(page.locator("#front-box")).to_have_class("photo zoomed")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    page.keyboard.press("n")  # only the cards that need review
    expect(page.locator("#list li")).to_have_count(3)
    page.keyboard.press("n")
    expect(page.locator("#list li")).to_have_count(5)
    page.keyboard.press("/")
    assert _focused(page) == "filter"
    page.keyboard.type("bright")
    expect(page.locator("#list li")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#f-company")).to_have_value("Bright Harbor Ltd")
    # The note and the follow-up date are editable too.
    page.locator("#f-notes").fill("Wants a demo in May")
    page.locator("#f-follow_up_on").fill("2026-05-04")
    page.keyboard.press("Control+s")
    expect(page.locator("#status")).to_contain_text("Saved: follow_up_on, notes corrected.")
    stored = _stored(session, "li")
    assert stored["notes"] == "Wants a demo in May" and stored["follow_up_on"] == "2026-05-04"


def test_a_card_reading_script_shows_as_text(page: Page, session: Session) -> None:
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    page.keyboard.type("Eve")
    page.keyboard.press("Enter")
    expect(page.locator("#f-company")).to_have_value(SCRIPT_COMPANY)
    expect(page.locator("#f-title")).to_have_value(SCRIPT_TITLE)
    item = page.locator("#list li .company")
    expect(item).to_have_text(SCRIPT_COMPANY)
    assert page.locator("script").count() == 1  # review.js only
    assert page.locator("#list img, #card img").count() == 0
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    expect(page.locator("#status")).to_contain_text("Accepted as read.")
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_an_invalid_value_is_refused_on_the_page(page: Page, session: Session) -> None:
    page.locator("#f-phones").fill("call me maybe")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("Not saved: phones:")
    expect(page.locator('.field[data-field="phones"]')).to_have_class("field error")
    assert _focused(page) == "f-phones"
    assert not _stored(session, "marco")["reviewed_at"]


def test_screenshot_of_the_page(page: Page, session: Session, tmp_path: Path) -> None:
    expect(page.locator("#back-figure")).to_be_hidden()
    page.keyboard.press("Escape")
    page.keyboard.press("j")  # Jane: front and back
    expect(page.locator("#back-figure")).to_be_visible()
    expect(page.locator("#back-photo")).to_have_js_property("complete", True)
    page.locator("#f-title").focus()
    shot = page.screenshot()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    (tmp_path / "review.png").write_bytes(shot)
    target = os.environ.get("CARDSCAN_REVIEW_SCREENSHOT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_bytes(shot)
