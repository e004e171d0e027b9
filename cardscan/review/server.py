"""Serving the review page on 127.0.0.1 only."""

from __future__ import annotations

import socket
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from cardscan.errors import UsageError
from cardscan.review.app import create_app, review_config

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without its line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def review_server(db: Path, port: int = 0, save_truth: Path | None = None,
                  photo_roots: tuple[Path, ...] = ()) -> BaseWSGIServer:
    """A server bound to 127.0.0.1:`port` (0: any free port); `serve_forever()` runs it and
    `server.port` is the port it got."""
    app = create_app(db, save_truth=save_truth, photo_roots=photo_roots)
    # Bound here, not by werkzeug, which prints and exits when the port is taken.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port))
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise UsageError(f"cannot listen on {HOST}:{port} ({exc.strerror or exc}); "
                         "pick another with --port, or --port 0 for any free one") from None
    try:
        server = make_server(HOST, listener.getsockname()[1], app, threaded=True,
                             request_handler=_QuietHandler, fd=listener.fileno())
    finally:
        listener.close()  # the server holds its own duplicate of the socket
    review_config(app).port = server.port
    return server


def url(server: BaseWSGIServer) -> str:
    return f"http://{HOST}:{server.port}/"
