"""Spot narrative text that seems to record immigration or citizenship status, a visa, or a place
or country of birth (R-15). The writer is warned, in English and Spanish, before saving."""

from __future__ import annotations

import re
import unicodedata

# Lower-case, accent-free stems in English and Spanish. A warning, not a block: "visa" may be
# a credit card, so the writer confirms after re-reading.
_PATTERNS = [
    r"\bimmigra\w*",
    r"\binmigra\w*",
    r"\bemigra\w*",
    r"\bcitizen\w*",
    r"\bciudadan\w*",
    r"\bvisas?\b",
    r"\bgreen card\b",
    r"\btarjeta verde\b",
    r"\bresidencia permanente\b",
    r"\bpermanent resident\b",
    r"\bundocumented\b",
    r"\bindocumentad\w*",
    r"\billegal (?:alien|immigrant)s?\b",
    r"\bsin papeles\b",
    r"\bdeport\w*",
    r"\bice agents?\b",
    r"\bla migra\b",
    r"\basylum\b",
    r"\basilo\b",
    r"\brefugee\w*",
    r"\brefugiad\w*",
    r"\bdaca\b",
    r"\bpassports?\b",
    r"\bpasaportes?\b",
    r"\bborn in\b",
    r"\bplace of birth\b",
    r"\bcountry of birth\b",
    r"\bbirthplace\b",
    r"\bnacid[oa]s? en\b",
    r"\bnacio en\b",
    r"\blugar de nacimiento\b",
    r"\bpais de (?:nacimiento|origen)\b",
]
_REGEX = re.compile("|".join(_PATTERNS))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sensitive_terms(*texts: str) -> list[str]:
    """The words in `texts` that look like immigration, citizenship, visa or birthplace data."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        for match in _REGEX.finditer(_fold(text)):
            term = match.group(0)
            if term not in found:
                found.append(term)
    return found
