"""Text folding for search: "Hóa Đơn" and "hoa don" fold to the same string."""

import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l"})


def fold(text: str) -> str:
    """Lower-case, without diacritics, with runs of whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
