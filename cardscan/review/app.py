"""The review page: a local Flask app that shows each card photo beside its fields.

Safety rules, in one place (`_guard`):
- it answers only requests addressed to 127.0.0.1:PORT or localhost:PORT (no DNS rebinding),
  and refuses any request another origin sends (Origin, Sec-Fetch-Site); no CORS headers;
- every API call carries the per-server token in `X-Cardscan-Token`, photos carry it as `?t=`;
- a photo is looked up by contact id and side in the store, so no path from a request ever
  reaches the file system;
- OCR text is data: the page puts it in inputs and text nodes only, and the CSP forbids inline
  scripts.
"""

from __future__ import annotations

import hmac
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from cardscan.errors import CardscanError
from cardscan.model import Contact
from cardscan.review.edits import LOW_CONFIDENCE, FieldError, apply_edit, editable_fields, low_fields
from cardscan.review.truth import Photo, write_sample
from cardscan.store import Store

TOKEN_HEADER = "X-Cardscan-Token"
SIDES = ("front", "back")
# Formats every browser shows as they are; others (HEIC, TIFF, PDF) are sent as JPEG.
BROWSER_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"}
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass
class ReviewConfig:
    db: Path
    token: str
    save_truth: Path | None = None
    threshold: float = LOW_CONFIDENCE
    # Where relative photo paths in the store are looked up (the import ran from one of them).
    photo_roots: tuple[Path, ...] = ()
    # The port the server listens on; None: the port the request arrived on.
    port: int | None = None


def create_app(db: Path, *, save_truth: Path | None = None, token: str | None = None,
               threshold: float = LOW_CONFIDENCE, photo_roots: tuple[Path, ...] = (),
               port: int | None = None) -> Flask:
    """The review app for the store at `db`. `token` is random unless given (tests give one)."""
    app = Flask(__name__)
    config = ReviewConfig(
        db=db, token=token or secrets.token_urlsafe(32), save_truth=save_truth, threshold=threshold,
        photo_roots=photo_roots or (Path.cwd(), db.parent), port=port,
    )
    app.extensions["cardscan_review"] = config
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.before_request
    def _guard() -> None:
        _check_origin(config)
        if request.path.startswith("/api/"):
            _check_token(config, request.headers.get(TOKEN_HEADER, ""))
        elif request.path.startswith("/photo/"):
            _check_token(config, request.args.get("t", ""))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description or exc.name), exc.code
        return exc

    @app.errorhandler(CardscanError)
    def _cardscan_error(exc: CardscanError) -> Any:
        # The store was written before the sample set: say what did not happen.
        return jsonify(error=f"saved in the store, but: {exc}"), 500

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.get("/")
    def page() -> str:
        return render_template("review.html", token=config.token)

    @app.get("/api/contacts")
    def list_contacts() -> Any:
        event = request.args.get("event") or None
        needs_review = request.args.get("needs_review") in ("1", "true", "yes")
        store = _store(config)
        return jsonify(
            contacts=store.review_list(event, needs_review, config.threshold),
            events=store.review_events(),
            threshold=config.threshold,
        )

    @app.get("/api/contacts/<contact_id>")
    def get_contact(contact_id: str) -> Any:
        return jsonify(_card(config, _contact(config, contact_id)))

    @app.post("/api/contacts/<contact_id>/save")
    def save(contact_id: str) -> Any:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("fields"), dict):
            abort(400, description='expected JSON {"fields": {...}}')
        contact = _contact(config, contact_id)
        try:
            corrected, changes = apply_edit(contact, body["fields"])
        except FieldError as exc:
            return jsonify(error=str(exc), field=exc.field), 400
        _store(config).review_save(corrected, changes)
        truth = _save_truth(config, corrected)
        return jsonify({**_card(config, corrected), "changed": sorted(changes), "truth": truth})

    @app.post("/api/contacts/<contact_id>/accept")
    def accept(contact_id: str) -> Any:
        contact = _contact(config, contact_id)
        _store(config).review_mark(contact.id)
        truth = _save_truth(config, contact)
        return jsonify({**_card(config, contact), "changed": [], "truth": truth})

    @app.get("/photo/<contact_id>/<side>")
    def photo(contact_id: str, side: str) -> Response:
        if side not in SIDES:
            abort(404)
        found = _photo(config, _contact(config, contact_id), side)
        if found is None:
            abort(404, description=f"no {side} photo for this contact")
        mimetype = mimetypes.types_map.get(found.suffix, "application/octet-stream")
        return Response(found.data, mimetype=mimetype)

    return app


def review_config(app: Flask) -> ReviewConfig:
    config: ReviewConfig = app.extensions["cardscan_review"]
    return config


def _check_origin(config: ReviewConfig) -> None:
    port = config.port if config.port is not None else int(request.environ.get("SERVER_PORT") or 80)
    allowed = {f"{host}:{port}" for host in LOCAL_HOSTS}
    if port == 80:
        allowed.update(LOCAL_HOSTS)
    if request.host not in allowed:
        abort(403, description="this page answers only on 127.0.0.1 and localhost")
    origin = request.headers.get("Origin")
    if origin is not None and origin not in {f"http://{host}" for host in allowed}:
        abort(403, description="requests from other origins are refused")
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        abort(403, description="requests from other sites are refused")


def _check_token(config: ReviewConfig, given: str) -> None:
    if not hmac.compare_digest(given.encode(), config.token.encode()):
        abort(403, description="missing or wrong session token; reload the review page")


def _store(config: ReviewConfig) -> Store:
    if "store" not in g:
        g.store = Store(config.db)
    store: Store = g.store
    return store


def _contact(config: ReviewConfig, contact_id: str) -> Contact:
    contact = _store(config).review_get(contact_id)
    if contact is None:
        abort(404, description="no such contact in the store")
    return contact


def _card(config: ReviewConfig, contact: Contact) -> dict[str, Any]:
    """What the page needs to show one card."""
    store = _store(config)
    machine = store.review_machine(contact.id)
    return {
        "id": contact.id,
        "fields": editable_fields(contact),
        "confidence": {name: value for name, value in contact.confidence.items()},
        "low": low_fields(machine or contact, config.threshold),
        "event": contact.event,
        "met_on": contact.met_on,
        "images": {side: bool(contact.images.get(side)) for side in SIDES},
        "reviewed_at": store.review_reviewed_at(contact.id),
        "machine": editable_fields(machine) if machine else None,
    }


def _photo_path(config: ReviewConfig, contact: Contact, side: str) -> Path | None:
    recorded = contact.images.get(side)
    if not recorded:
        return None
    path = Path(recorded)
    candidates = [path] if path.is_absolute() else [root / path for root in config.photo_roots]
    return next((p for p in candidates if p.is_file()), None)


def _photo(config: ReviewConfig, contact: Contact, side: str, *, for_browser: bool = True) -> Photo | None:
    path = _photo_path(config, contact, side)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    suffix = path.suffix.lower()
    if for_browser and suffix not in BROWSER_SUFFIXES:
        import cv2

        from cardscan.image import decode

        try:
            ok, encoded = cv2.imencode(".jpg", decode(data, path))
        except CardscanError:
            return None
        if not ok:
            return None
        return Photo(encoded.tobytes(), ".jpg")
    return Photo(data, suffix)


def _save_truth(config: ReviewConfig, contact: Contact) -> str | None:
    if config.save_truth is None:
        return None
    front = _photo(config, contact, "front", for_browser=False)
    if front is None:
        abort(409, description="the front photo is no longer where it was imported from; "
                               "the correction is saved, but no sample was written")
    back = _photo(config, contact, "back", for_browser=False)
    return str(write_sample(config.save_truth, contact, front, back))
