"""Synthetic business-card photo generator with exact ground truth."""
