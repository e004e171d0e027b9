"""The review page's server: its API through Flask's test client, the edits, the truth files."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_review_cards import SCRIPT_COMPANY, ReviewFixture, build_review_store, draw_card

from cardscan.cli import main
from cardscan.errors import UsageError
from cardscan.evaluate import load_samples
from cardscan.model import Contact, Phone, image_id
from cardscan.review import create_app
from cardscan.review.edits import FieldError, apply_edit, low_fields
from cardscan.review.server import review_server
from cardscan.store import Store

TOKEN = "test-token-0123456789"
HEADERS = {"X-Cardscan-Token": TOKEN}
CONTRACT_TRUTH_KEYS = {"image", "back_image", "name", "title", "company", "emails", "phones", "websites",
                       "address", "notes", "region"}


@pytest.fixture
def cards(tmp_path: Path) -> ReviewFixture:
    return build_review_store(tmp_path / "cards")


@pytest.fixture
def truth_dir(tmp_path: Path) -> Path:
    return tmp_path / "my-samples"


@pytest.fixture
def client(cards: ReviewFixture, truth_dir: Path) -> FlaskClient:
    app = create_app(cards.db, save_truth=truth_dir, token=TOKEN)
    return app.test_client()


def _save(client: FlaskClient, contact_id: str, fields: dict[str, Any]) -> Any:
    return client.post(f"/api/contacts/{contact_id}/save", json={"fields": fields}, headers=HEADERS)


# --- the page and the safety rules ---

def test_the_page_embeds_the_token_and_forbids_inline_scripts_and_framing(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert f'<meta name="cardscan-token" content="{TOKEN}">' in response.text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "http://" not in response.text.replace("http://localhost", "")  # no external assets


def test_the_static_assets_are_served_locally(client: FlaskClient) -> None:
    assert client.get("/static/review.js").status_code == 200
    assert client.get("/static/review.css").status_code == 200


@pytest.mark.parametrize("headers", [{}, {"X-Cardscan-Token": "wrong"}, {"X-Cardscan-Token": ""}])
def test_api_calls_without_the_session_token_are_refused(client: FlaskClient,
                                                         headers: dict[str, str]) -> None:
    response = client.get("/api/contacts", headers=headers)
    assert response.status_code == 403
    assert "token" in response.get_json()["error"]


def test_a_token_in_the_query_string_does_not_open_the_api(client: FlaskClient) -> None:
    assert client.get(f"/api/contacts?t={TOKEN}").status_code == 403


def test_each_server_start_has_its_own_token(cards: ReviewFixture) -> None:
    first = create_app(cards.db).test_client().get("/").text
    second = create_app(cards.db).test_client().get("/").text
    assert first != second


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost:8080"},
    {"Sec-Fetch-Site": "cross-site"},
])
def test_requests_from_other_origins_are_refused_even_with_the_token(
        client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.post("/api/contacts/x/accept", json={}, headers={**HEADERS, **headers})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_requests_for_another_host_name_are_refused(client: FlaskClient) -> None:
    # DNS rebinding: a name the attacker controls, pointing at 127.0.0.1.
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/api/contacts", headers={**HEADERS, "Host": "evil.example"}).status_code == 403


def test_the_page_own_origin_is_accepted(client: FlaskClient) -> None:
    response = client.get("/api/contacts", headers={**HEADERS, "Origin": "http://localhost",
                                                    "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200


def test_the_server_listens_on_127_0_0_1_only(cards: ReviewFixture) -> None:
    server = review_server(cards.db, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            with pytest.raises(UsageError, match="--port"):
                review_server(cards.db, busy.getsockname()[1])
    finally:
        server.server_close()


# --- the list and one card ---

def test_the_list_puts_doubtful_cards_first_and_filters(client: FlaskClient, cards: ReviewFixture) -> None:
    data = client.get("/api/contacts", headers=HEADERS).get_json()
    ids = [item["id"] for item in data["contacts"]]
    assert ids[:3] == [c.id for c in cards.doubtful]
    assert len(ids) == 5
    assert data["events"] == ["Expo 2026", "Meetup"]
    assert [i["needs_review"] for i in data["contacts"]] == [True, True, True, False, False]

    meetup = client.get("/api/contacts?event=Meetup", headers=HEADERS).get_json()["contacts"]
    assert [item["id"] for item in meetup] == [cards.contacts["li"].id]
    needs = client.get("/api/contacts?needs_review=1", headers=HEADERS).get_json()["contacts"]
    assert [item["id"] for item in needs] == [c.id for c in cards.doubtful]


def test_a_card_carries_its_fields_and_the_low_confidence_ones(client: FlaskClient,
                                                               cards: ReviewFixture) -> None:
    jane = cards.contacts["jane"]
    card = client.get(f"/api/contacts/{jane.id}", headers=HEADERS).get_json()
    assert card["low"] == ["title"]
    assert card["fields"]["title"] == "Senior Prodnct Manaqer"
    assert card["fields"]["phones"] == [{"number": "+14155550132", "kind": "work"}]
    assert card["fields"]["follow_up_on"] == "2026-03-09"
    assert card["images"] == {"front": True, "back": True}
    assert card["reviewed_at"] is None and card["machine"] is None


def test_ocr_text_comes_back_as_json_data_never_as_markup(client: FlaskClient, cards: ReviewFixture) -> None:
    eve = cards.contacts["eve"]
    response = client.get(f"/api/contacts/{eve.id}", headers=HEADERS)
    assert response.mimetype == "application/json"
    assert response.get_json()["fields"]["company"] == SCRIPT_COMPANY
    assert SCRIPT_COMPANY not in client.get("/").text


def test_an_unknown_contact_is_404(client: FlaskClient) -> None:
    assert client.get("/api/contacts/0000000000000000", headers=HEADERS).status_code == 404


# --- photos ---

def test_photos_are_served_from_the_store_by_id_and_side(client: FlaskClient, cards: ReviewFixture) -> None:
    jane = cards.contacts["jane"]
    front = client.get(f"/photo/{jane.id}/front?t={TOKEN}")
    assert front.status_code == 200 and front.mimetype == "image/jpeg"
    assert front.data == Path(jane.images["front"] or "").read_bytes()
    back = client.get(f"/photo/{jane.id}/back?t={TOKEN}")
    assert back.mimetype == "image/png"
    assert back.data == Path(jane.images["back"] or "").read_bytes()
    assert client.get(f"/photo/{cards.contacts['marco'].id}/back?t={TOKEN}").status_code == 404


@pytest.mark.parametrize("path", [
    "/photo/{id}/front",
    "/photo/{id}/front?t=wrong",
    "/photo/{id}/..%2F..%2Fcardscan.db?t={t}",
    "/photo/..%2Fcardscan.db/front?t={t}",
    "/photo/{id}/side?t={t}",
    "/static/..%2Fcardscan.db",
])
def test_nothing_but_stored_photos_can_be_fetched(client: FlaskClient, cards: ReviewFixture,
                                                  path: str) -> None:
    response = client.get(path.format(id=cards.contacts["jane"].id, t=TOKEN))
    assert response.status_code in (403, 404)
    assert b"SQLite format" not in response.data


def test_photos_browsers_cannot_show_are_sent_as_jpeg(tmp_path: Path) -> None:
    tiff = tmp_path / "card.tif"
    data = draw_card(tiff, ["Tiff Card"])
    contact = Contact(id=image_id(data), name="Tiff Card", images={"front": "card.tif", "back": None})
    with Store(tmp_path / "s.db") as store:
        store.put(contact)
    # A relative path, as `cardscan import` records it, is looked up beside the store.
    client = create_app(tmp_path / "s.db", token=TOKEN, photo_roots=(tmp_path,)).test_client()
    response = client.get(f"/photo/{contact.id}/front?t={TOKEN}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data[:3] == b"\xff\xd8\xff"


# --- saving ---

def test_saving_keeps_the_correction_and_the_machine_reading(client: FlaskClient,
                                                             cards: ReviewFixture) -> None:
    jane = cards.contacts["jane"]
    response = _save(client, jane.id, {"title": "Senior Product Manager", "name": "Jane Q. Doe",
                                       "follow_up_on": "2026-04-01", "notes": "Met at the robotics expo"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["changed"] == ["follow_up_on", "title"]
    assert body["reviewed_at"]
    assert body["machine"]["title"] == "Senior Prodnct Manaqer"
    with Store(cards.db) as store:
        saved = store.review_get(jane.id)
        machine = store.review_machine(jane.id)
        corrections = store.review_corrections(jane.id)
        listed = {item["id"]: item for item in store.review_list()}
    assert saved is not None and machine is not None
    assert saved.title == "Senior Product Manager" and saved.follow_up_on == "2026-04-01"
    assert saved.confidence["title"] == 1.0 and saved.confidence["company"] == 0.9
    assert machine.title == "Senior Prodnct Manaqer" and machine.confidence["title"] == 0.48
    assert [(c["field"], c["machine"], c["corrected"]) for c in corrections] == [
        ("title", "Senior Prodnct Manaqer", "Senior Product Manager"),
        ("follow_up_on", "2026-03-09", "2026-04-01"),
    ]
    assert listed[jane.id]["reviewed_at"] and not listed[jane.id]["needs_review"]
    # Reviewed cards go to the end of the list.
    assert list(listed)[-1] == jane.id


def test_a_second_correction_keeps_the_first_machine_reading(client: FlaskClient,
                                                             cards: ReviewFixture) -> None:
    marco = cards.contacts["marco"]
    assert _save(client, marco.id, {"name": "Marco Ross"}).status_code == 200
    assert _save(client, marco.id, {"name": "Marco Rossi"}).status_code == 200
    with Store(cards.db) as store:
        saved, machine = store.review_get(marco.id), store.review_machine(marco.id)
    assert saved is not None and machine is not None
    assert (saved.name, saved.given_name, saved.family_name) == ("Marco Rossi", "Marco", "Rossi")
    assert machine.name == "Marc0 Ross1"


def test_a_corrected_email_finds_the_person_on_the_next_import(client: FlaskClient,
                                                              cards: ReviewFixture) -> None:
    marco = cards.contacts["marco"]
    assert _save(client, marco.id, {"emails": ["marco@rossifigli.it"]}).status_code == 200
    with Store(cards.db) as store:
        keys = {key for (key,) in store.db.execute(
            "SELECT key FROM contact_keys WHERE contact_id = ?", (marco.id,))}
    assert "email:marco@rossifigli.it" in keys


def test_a_contact_merged_away_is_shown_as_the_one_it_joined(cards: ReviewFixture) -> None:
    jane, li = cards.contacts["jane"], cards.contacts["li"]
    with Store(cards.db) as store:
        kept = store.merge([jane.id, li.id], {li.id: "test"})
    client = create_app(cards.db, token=TOKEN).test_client()
    card = client.get(f"/api/contacts/{li.id}", headers=HEADERS).get_json()
    assert card["id"] == kept == jane.id


def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_stored(
        client: FlaskClient, cards: ReviewFixture, truth_dir: Path) -> None:
    jane = cards.contacts["jane"]
    response = _save(client, jane.id, {"title": "CEO", "phones": [{"number": "call me", "kind": "work"}]})
    assert response.status_code == 400
    assert response.get_json()["field"] == "phones"
    with Store(cards.db) as store:
        assert store.review_get(jane.id) == jane
        assert store.review_corrections(jane.id) == []
    assert not truth_dir.exists()


@pytest.mark.parametrize("body", [None, [], {"fields": "x"}, {"fields": {"raw_text": "x"}}])
def test_a_malformed_save_is_400(client: FlaskClient, cards: ReviewFixture, body: Any) -> None:
    response = client.post(f"/api/contacts/{cards.contacts['li'].id}/save", json=body, headers=HEADERS)
    assert response.status_code == 400


def test_accepting_marks_reviewed_without_corrections(client: FlaskClient, cards: ReviewFixture) -> None:
    li = cards.contacts["li"]
    response = client.post(f"/api/contacts/{li.id}/accept", json={}, headers=HEADERS)
    assert response.status_code == 200 and response.get_json()["changed"] == []
    with Store(cards.db) as store:
        assert store.review_get(li.id) == li
        assert store.review_corrections(li.id) == []
        assert store.review_machine(li.id) is None
        assert next(i for i in store.review_list() if i["id"] == li.id)["reviewed_at"]


# --- the sample set ---

def test_saving_writes_a_sample_set_entry_in_the_contract_format(
        client: FlaskClient, cards: ReviewFixture, truth_dir: Path) -> None:
    jane = cards.contacts["jane"]
    body = _save(client, jane.id, {"title": "Senior Product Manager"}).get_json()
    truth_file = truth_dir / "truth" / f"{jane.id}.json"
    assert body["truth"] == str(truth_file)
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    assert set(truth) == CONTRACT_TRUTH_KEYS
    assert truth == {
        "image": f"{jane.id}.jpg", "back_image": f"{jane.id}-back.png",
        "name": "Jane Q. Doe", "title": "Senior Product Manager", "company": "ACME Robotics, Inc.",
        "emails": ["jane.doe@acmerobotics.com"], "phones": [{"number": "+14155550132", "kind": "work"}],
        "websites": ["www.acmerobotics.com"], "address": None, "notes": "Met at the robotics expo",
        "region": "US",
    }
    assert (truth_dir / truth["image"]).read_bytes() == Path(jane.images["front"] or "").read_bytes()
    assert (truth_dir / truth["back_image"]).read_bytes() == Path(jane.images["back"] or "").read_bytes()
    [sample] = load_samples(truth_dir)
    assert sample.card.front == truth_dir / f"{jane.id}.jpg" and sample.card.front.is_file()
    assert sample.truth["title"] == "Senior Product Manager"


def test_a_note_typed_for_a_card_without_a_back_stays_out_of_the_truth(
        client: FlaskClient, cards: ReviewFixture, truth_dir: Path) -> None:
    marco = cards.contacts["marco"]
    _save(client, marco.id, {"name": "Marco Rossi", "notes": "wants a demo in May"})
    truth = json.loads((truth_dir / "truth" / f"{marco.id}.json").read_text(encoding="utf-8"))
    assert truth["notes"] is None and truth["back_image"] is None
    with Store(cards.db) as store:
        saved = store.review_get(marco.id)
    assert saved is not None and saved.notes == "wants a demo in May"


def test_an_unwritable_sample_set_is_reported_and_the_correction_still_saved(
        cards: ReviewFixture, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    client = create_app(cards.db, save_truth=blocker, token=TOKEN).test_client()
    jane = cards.contacts["jane"]
    response = _save(client, jane.id, {"title": "Senior Product Manager"})
    assert response.status_code == 500
    assert "saved in the store, but" in response.get_json()["error"]
    with Store(cards.db) as store:
        saved = store.review_get(jane.id)
    assert saved is not None and saved.title == "Senior Product Manager"


def test_without_save_truth_no_sample_is_written(cards: ReviewFixture, tmp_path: Path) -> None:
    client = create_app(cards.db, token=TOKEN).test_client()
    response = _save(client, cards.contacts["jane"].id, {"title": "Senior Product Manager"})
    assert response.get_json()["truth"] is None
    assert not list(tmp_path.glob("**/truth"))


@pytest.mark.tesseract
def test_eval_reports_the_saved_truth_files(client: FlaskClient, cards: ReviewFixture, truth_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for contact in cards.doubtful:
        assert client.post(f"/api/contacts/{contact.id}/accept", json={}, headers=HEADERS).status_code == 200
    capsys.readouterr()
    assert main(["eval", str(truth_dir), "--json", "--workers", "1"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["cards"] == 3 and summary["failed"] == 0


# --- the edits ---

def test_edits_are_normalised_as_the_pipeline_writes_them() -> None:
    contact = Contact(id="c1", region="US", phones=[Phone("+14155550132", "work", "T: (415) 555-0132")])
    corrected, changes = apply_edit(contact, {
        "emails": ["  Jane.Doe@ACME.com ", "", "jane.doe@acme.com"],
        "websites": ["https://www.acme.com/"],
        "phones": [{"number": "(415) 555-0132", "kind": "work"},
                   {"number": "+44 20 7946 0958", "kind": "mobile"}],
        "region": "us", "title": "  Chief   Robot  Officer ", "address": "1 Main St\n  Springfield  ",
    })
    assert corrected.emails == ["jane.doe@acme.com"]
    assert corrected.websites == ["www.acme.com"]
    assert [(p.number, p.kind, p.raw) for p in corrected.phones] == [
        ("+14155550132", "work", "T: (415) 555-0132"), ("+442079460958", "mobile", "+44 20 7946 0958")]
    assert corrected.title == "Chief Robot Officer"
    assert corrected.address == "1 Main St\n  Springfield"
    assert "region" not in changes and set(changes) == {"emails", "websites", "phones", "title", "address"}


def test_an_empty_field_clears_it_and_an_unchanged_one_is_no_correction() -> None:
    contact = Contact(id="c1", name="Jane Doe", title="CTO", address_parts={"city": "Oslo"}, address="Oslo")
    corrected, changes = apply_edit(contact, {"name": "Jane Doe", "title": "", "address": "Bergen"})
    assert corrected.title is None and changes["title"] == ("CTO", None)
    assert "name" not in changes
    assert corrected.address_parts is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"emails": ["not-an-email"]}, "emails"),
    ({"phones": [{"number": "+1 415 555 0132", "kind": "pager"}]}, "phones"),
    ({"region": "XX"}, "region"),
    ({"follow_up_on": "next week"}, "follow_up_on"),
    ({"websites": ["two words"]}, "websites"),
    ({"id": "other"}, "id"),
    ({"name": 3}, "name"),
])
def test_values_that_cannot_be_stored_are_refused(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(FieldError) as raised:
        apply_edit(Contact(id="c1"), fields)
    assert raised.value.field == field


def test_low_fields_are_the_editable_ones_below_the_threshold() -> None:
    contact = Contact(confidence={"name": 0.59, "company": 0.6, "given_name": 0.1, "phones": 0.2})
    assert low_fields(contact) == ["name", "phones"]


# --- the command ---

def test_review_needs_an_existing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--db", str(tmp_path / "none.db"), "--no-browser"]) == 2
    assert "cardscan import" in capsys.readouterr().err


def test_review_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--save-truth" in out and "--no-browser" in out and "--port" in out


@pytest.mark.parametrize("no_browser", [False, True])
def test_review_serves_on_127_0_0_1_opens_the_browser_and_stops_on_ctrl_c(
        cards: ReviewFixture, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        no_browser: bool) -> None:
    import webbrowser

    from werkzeug.serving import BaseWSGIServer

    opened: list[str] = []
    served: list[int] = []

    def serve_forever(server: BaseWSGIServer, poll_interval: float = 0.5) -> None:
        served.append(server.port)
        raise KeyboardInterrupt

    monkeypatch.setattr(webbrowser, "open", lambda address: opened.append(address))
    monkeypatch.setattr(BaseWSGIServer, "serve_forever", serve_forever)
    args = ["review", "--db", str(cards.db), "--port", "0"] + (["--no-browser"] if no_browser else [])
    assert main(args) == 0
    [port] = served
    err = capsys.readouterr().err
    assert f"http://127.0.0.1:{port}/" in err and "stopped" in err
    assert opened == ([] if no_browser else [f"http://127.0.0.1:{port}/"])
