"""`{{ call|label:"reason" }}`: the display label of a coded field, like `get_reason_display`.

`get_FIELD_display()` rebuilds a dictionary of the field's choices and hashes every lazy label
(a translation lookup each) on every call: a list of 50 calls with three coded columns spent
20 ms there, as much as the rest of the page. The labels are looked up once per model, field and
language here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.db import models
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _labels(model: type[models.Model], field_name: str, language: str | None) -> dict[Any, str]:
    field = model._meta.get_field(field_name)
    return {value: str(text) for value, text in field.flatchoices}


@register.filter
def label(obj: models.Model, field_name: str) -> Any:
    """The label of `obj`'s value for `field_name`, or the value itself if it has none."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, value)
