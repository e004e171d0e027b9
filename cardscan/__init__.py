"""cardscan: photos of business cards -> clean, structured contacts."""

__version__ = "0.1.0"
