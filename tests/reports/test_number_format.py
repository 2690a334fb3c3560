"""Counts in the report pages and PDFs carry the reader's thousands separator; CSV stays raw."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from reports.presentation import Section, Table
from reports.templatetags.report_tags import grouped


def test_whole_counts_are_grouped_in_the_active_language():
    with translation.override("en"):
        assert grouped(233543) == "233,543"
    with translation.override("es"):
        assert grouped(233543) == "233\xa0543"  # Spanish groups with a no-break space


def test_anything_else_is_left_as_it_is():
    assert grouped("<10") == "<10"
    assert grouped("3401") == "3401"  # a building code is a name, not a count
    assert grouped(Decimal("12.5")) == Decimal("12.5")
    assert grouped(True) is True
    assert grouped(None) is None


def test_the_report_body_groups_facts_and_numeric_cells():
    section = Section(key="calls", heading="Calls")
    section.facts = [("Calls", 46635)]
    section.tables = [
        Table(
            key="by_school", title="By school", columns=["", "Calls"], rows=[["School 001", 12040]]
        )
    ]
    with translation.override("en"):
        html = render_to_string("reports/_report_body.html", {"sections": [section]})
    assert "<dd>46,635</dd>" in html
    assert '<td class="num">12,040</td>' in html
