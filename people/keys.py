"""Name keys for matching a person across referrals: a normalised name (accents, case, punctuation and spacing
removed) for trigram similarity on PostgreSQL, and a phonetic key (Soundex of each name) that survives common
spelling and transliteration variants (Mohammed, Muhammad; Aleksandr, Alexander) on every database."""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def normalise_name(text: str) -> str:
    """'  Zoë  O'Brien-Smith ' -> 'zoe obriensmith'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("'", "").replace("-", "").replace("\u2019", "")
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", plain)).strip()


def soundex(word: str) -> str:
    """American Soundex of one word ('' for no letters): h and w do not separate letters with the same code."""
    letters = normalise_name(word).replace(" ", "")
    if not letters:
        return ""
    first = letters[0]
    code = [first.upper()]
    last = _SOUNDEX_CODES.get(first, "")
    for c in letters[1:]:
        digit = _SOUNDEX_CODES.get(c, "")
        if digit and digit != last:
            code.append(digit)
        if c not in "hw":
            last = digit
        if len(code) == 4:
            break
    return "".join(code).ljust(4, "0")


def name_key(first_name: str, last_name: str) -> str:
    return normalise_name(f"{first_name} {last_name}")


def phonetic_key(first_name: str, last_name: str) -> str:
    """Soundex of the first given name and of the family name: 'M530 K500'."""
    first = normalise_name(first_name).split(" ")[0] if normalise_name(first_name) else ""
    return f"{soundex(first)} {soundex(last_name)}".strip()
