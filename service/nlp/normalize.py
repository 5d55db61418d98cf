"""Text normalisation before segmentation: one form for what residents type in many."""

from __future__ import annotations

import unicodedata


def normalize(text: str, t2s: dict[int, str]) -> str:
    """Full-width to half-width, lowercase, traditional to simplified characters."""
    # NFKC folds full-width letters, digits and most punctuation that phone keyboards produce
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower().translate(t2s)
