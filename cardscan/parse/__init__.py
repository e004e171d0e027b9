"""OCR words and layout -> Contact."""

from cardscan.parse.contact import parse_contact

__all__ = ["parse_contact"]
