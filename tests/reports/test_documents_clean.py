"""Every document and page of the demo reads as a document (issue #13, item 7): no template
comment or tag, and no raw choice code (`section_504_only`, `job_duties` …) in the text of the
annual report (internal and public, page and PDF), the board packet (internal, public and as
released), the state package, the school notices and a complaint's response letter."""

from __future__ import annotations

import datetime
import importlib
import inspect
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from srp.demo import seed_base
from srp.registry import registry

TEMPLATE_MARKS = ("{#", "#}", "{{", "}}", "{%", "%}")
APPS = ("srp", "agreements", "complaints", "incidents", "notices", "reports")


def choice_codes() -> set[str]:
    """Every TextChoices value in the project that reads as a code: it differs from its label
    and has an underscore (`section_504`, `community_review`), at module level or nested in a
    model (`Agreement.Status`)."""
    owners: list[object] = [importlib.import_module(f"{app}.models") for app in APPS]
    owners += [m for m in apps.get_models() if m._meta.app_label in APPS]
    codes: set[str] = set()
    for owner in owners:
        for _name, value in inspect.getmembers(owner, inspect.isclass):
            if issubclass(value, models.TextChoices) and value is not models.TextChoices:
                codes |= {code for code, label in value.choices if "_" in code and code != label}
    return codes


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF"), data[:200]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def page_text(html: bytes) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text(" ")


def problems(text: str, codes: set[str]) -> list[str]:
    found = [mark for mark in TEMPLATE_MARKS if mark in text]
    for code in codes:
        if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/.-])", text):
            found.append(code)
    return found


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ctx = seed_base(datetime.date(2026, 11, 27))
    for seeder in registry.demo_seeders:
        seeder.seed(ctx)
    return ctx


def test_codes_are_collected():
    codes = choice_codes()
    assert {"section_504", "job_duties", "community_review", "student_interaction"} <= codes


@pytest.mark.django_db
def test_every_document_and_page_of_the_demo_is_clean(demo):
    from complaints.models import Complaint

    codes = choice_codes() | {"section_504_only"}
    district = demo.district
    published_year = demo.years[-2].label
    current_year = demo.years[-1].label
    admin = Client()
    admin.force_login(demo.users["admin"])
    anonymous = Client()
    public_kwargs = {"district_code": district.code, "label": published_year}

    pages = {
        "report page (internal)": admin.get(reverse("reports:detail", args=[published_year])),
        "report page (public preview)": admin.get(
            reverse("reports:detail", args=[published_year]) + "?version=public"
        ),
        "current year page": admin.get(reverse("reports:detail", args=[current_year])),
        "public report page": anonymous.get(reverse("reports_public:report", kwargs=public_kwargs)),
    }
    documents = {
        "annual report PDF (internal)": admin.get(reverse("reports:pdf", args=[published_year])),
        "annual report PDF (public)": anonymous.get(
            reverse("reports_public:pdf", kwargs=public_kwargs)
        ),
        "board packet (internal)": admin.get(
            reverse("reports:board_packet", args=[published_year])
        ),
        "board packet (public, as released)": anonymous.get(
            reverse("reports_public:board_packet", kwargs=public_kwargs)
        ),
        "state package": admin.get(reverse("reports:state_package_pdf", args=[published_year])),
    }
    school = district.schools.filter(staff_assignments__isnull=False).order_by("pk").first()
    if school is not None:
        documents["school notices (all languages)"] = admin.get(
            reverse("notices:school_bundle_pdf", kwargs={"school_pk": school.pk})
        )
    complaint = (
        Complaint.objects.filter(district=district, allegations__finding__gt="")
        .order_by("pk")
        .first()
    )
    assert complaint is not None, "the demo has a complaint with findings"
    documents["response letter"] = admin.get(
        reverse("complaints:letter_preview", kwargs={"pk": complaint.pk})
    )

    failures = {}
    for name, response in pages.items():
        assert response.status_code == 200, (name, response.status_code)
        found = problems(page_text(response.content), codes)
        if found:
            failures[name] = found
    for name, response in documents.items():
        assert response.status_code == 200, (name, response.status_code)
        found = problems(pdf_text(response.content), codes)
        if found:
            failures[name] = found
    assert not failures, failures
