"""Vietnamese alphabetical order, for lists sorted in Python (people, short lists).

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: the letters with a
breve, a circumflex or a horn, and đ, are letters of their own, sorted after their base letter;
tone marks only break ties (none, grave, hook, tilde, acute, dot below). Vietnamese people are
listed by given name, then family name.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Combining marks that make a letter of its own (ă â ê ô ơ ư), in alphabet order.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
# Tone marks, in dictionary order.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...]]:
    """A sort key: letters (each with its own rank) first, tones to break ties."""
    letters: list[tuple[str, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _LETTER_MARKS and letters:
            base, _ = letters[-1]
            letters[-1] = (base, _LETTER_MARKS[char])
        elif char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
        elif char == "đ":
            letters.append(("d", 9))
            tones.append(0)
        elif not unicodedata.combining(char):
            letters.append((char, 0))
            tones.append(0)
    return tuple(letters), tuple(tones)


def person_key(person: Any) -> tuple[Any, ...]:
    """A person's place in a Vietnamese list: given name, then family name, then username."""
    return (
        vietnamese_key(person.first_name or ""),
        vietnamese_key(person.last_name or ""),
        person.get_username(),
    )
