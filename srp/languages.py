"""Language codes a district may offer to families, checked against Django's list.

Washington families speak languages Django has no translation of (Somali, Tigrinya, Marshallese…):
those are added here so that a district can write its notices and letters in them.
"""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EXTRA_LANGUAGES: dict[str, dict[str, object]] = {
    "am": {"name": "Amharic", "name_local": "አማርኛ", "bidi": False},
    "chk": {"name": "Chuukese", "name_local": "Chuukese", "bidi": False},
    "hmn": {"name": "Hmong", "name_local": "Hmoob", "bidi": False},
    "lo": {"name": "Lao", "name_local": "ລາວ", "bidi": False},
    "mh": {"name": "Marshallese", "name_local": "Kajin M̧ajeļ", "bidi": False},
    "ps": {"name": "Pashto", "name_local": "پښتو", "bidi": True},
    "sm": {"name": "Samoan", "name_local": "Gagana Sāmoa", "bidi": False},
    "so": {"name": "Somali", "name_local": "Soomaali", "bidi": False},
    "ti": {"name": "Tigrinya", "name_local": "ትግርኛ", "bidi": False},
    "tl": {"name": "Tagalog", "name_local": "Tagalog", "bidi": False},
}


def _info(code: object) -> dict[str, object] | None:
    if not isinstance(code, str):
        return None
    key = code.lower()
    info = LANG_INFO.get(key) or EXTRA_LANGUAGES.get(key)
    if not info or "fallback" in info:
        return None
    return info


def is_language_code(code: object) -> bool:
    return _info(code) is not None


def validate_language_code(code: object, *, field: str | None = None) -> None:
    if not is_language_code(code):
        message = _("“%(code)s” is not a language code (for example en, es, vi, so).") % {
            "code": code
        }
        raise ValidationError({field: message} if field else message)


def language_name(code: str) -> str:
    """The language's own name, for the people who read it (Español, Tiếng Việt)."""
    info = _info(code)
    return str(info["name_local"]) if info else code


def language_name_english(code: str) -> str:
    info = _info(code)
    return str(info["name"]) if info else code


def is_rtl(code: str) -> bool:
    info = _info(code)
    return bool(info and info.get("bidi"))


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    return [(c, f"{language_name(c)} ({language_name_english(c)})") for c in codes]
