"""`cardscan review`: a local page to check and correct stored contacts, photo beside fields."""

from cardscan.review.app import create_app

__all__ = ["create_app"]
