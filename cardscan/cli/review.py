"""cardscan review: a local page to check and correct the stored contacts."""

from __future__ import annotations

from pathlib import Path

import click

from cardscan.cli.base import cli, stderr
from cardscan.errors import InputError

DEFAULT_PORT = 8765


@cli.command(name="review")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="SQLite store (default: $CARDSCAN_DB, else your data folder).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--save-truth", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Also write each reviewed card to this sample set (photo + truth/*.json) for eval.")
@click.option("--no-browser", is_flag=True, help="Do not open the page in the default browser.")
def review_(db: Path | None, port: int, save_truth: Path | None, no_browser: bool) -> int:
    """Check and correct the stored contacts, each card photo beside its fields.

    Serves a page on 127.0.0.1 only, doubtful cards first. Keys: Enter save & next,
    a accept, j/k next/previous, / filter, ? help. Stop with Ctrl+C.

    \b
    Example:
      cardscan review --save-truth my-cards/
      cardscan eval my-cards/
    """
    from cardscan.review.server import review_server, url
    from cardscan.store import default_db_path

    path = db or default_db_path()
    if not path.exists():
        raise InputError(path, "no store here yet; run 'cardscan import' first")
    server = review_server(path, port, save_truth)
    address = url(server)
    stderr.print(f"cardscan review: {address}  (Ctrl+C to stop)", highlight=False)
    if save_truth:
        stderr.print(f"reviewed cards are written to the sample set {save_truth}", highlight=False)
    if not no_browser:
        import webbrowser

        webbrowser.open(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        stderr.print("cardscan review: stopped", highlight=False)
    finally:
        server.server_close()
    return 0
