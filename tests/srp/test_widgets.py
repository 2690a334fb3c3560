from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from srp.widgets import FastSelect


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple] = []
        self._label = None

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


def structure(html: str) -> list[tuple]:
    parser = Structure()
    parser.feed(html)
    return parser.items


CHOICES = [
    ("", "I don't know"),
    ("Alder <High> & Co", [("1", 'Ana "Ms" Ruiz'), ("2", "Bo <script>")]),
    ("Birch Middle", [("3", "Cy Doe")]),
]


@pytest.mark.parametrize("value", [None, "", "2", "3", "<x>"])
def test_fast_select_renders_what_select_renders(value):
    attrs = {"id": "id_staff", "class": "form-select", "required": True, "aria-describedby": "h"}
    slow = forms.Select(choices=CHOICES).render("staff", value, attrs=attrs)
    fast = FastSelect(choices=CHOICES).render("staff", value, attrs=attrs)
    assert structure(fast) == structure(slow)
    assert "<script>" not in fast


def test_fast_select_works_in_a_model_choice_field(world):
    from srp.models import School

    class F(forms.Form):
        school = forms.ModelChoiceField(queryset=School.objects.order_by("pk"), widget=FastSelect)

    form = F({"school": world.school_b.pk})
    assert form.is_valid()
    html = str(form["school"])
    assert f'<option value="{world.school_b.pk}" selected>' in html
    assert "Alder High" in html
