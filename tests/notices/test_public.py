"""R-17, R-26: each school's public notice per language, and its PDFs, without an account."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from notices.services import notice_publish
from srp.registry import registry


def public(name, **kwargs):
    return reverse(f"notices_public:{name}", kwargs={"district_code": "99001", **kwargs})


@pytest.fixture
def published(world, notice):
    return notice_publish(notice=notice, by=world.admin)


def test_the_index_lists_schools_with_staff_and_their_languages(world, published, client):
    response = client.get(public("index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alder High" in body and "Birch Middle" in body
    assert public("notice", building_code="3401", language="es") in body
    assert public("bundle_pdf", building_code="3201") in body


def test_a_family_reads_the_spanish_notice(world, published, client, settings):
    settings.SITE_URL = "https://srp.example.org"
    response = client.get(public("notice", building_code="3401", language="es"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="es"' in body  # the page itself is in Spanish
    assert "Personal de seguridad en nuestras escuelas" in body
    assert "Cómo presentar una queja" in body
    assert "Marisol Rivera" in body and "Wei Chen" in body
    assert "Ngozi Okafor" not in body
    assert "https://srp.example.org/p/99001/complaints/new/" in body
    assert "<svg" in body and "Código QR del formulario de quejas en línea" in body
    assert "style=" not in body and "<script>" not in body  # CSP: no inline style or script


def test_a_missing_translation_is_shown_as_missing(world, published, client):
    world.district.family_languages = ["en", "es", "so"]
    world.district.save()
    response = client.get(public("notice", building_code="3401", language="so"))
    assert response.status_code == 404
    body = response.content.decode()
    assert "has not been written in" in body and "Soomaali" in body
    # Never silently replaced by another language's text.
    assert "Safety and security staff at our schools" not in body
    assert public("notice", building_code="3401", language="es") in body


@pytest.mark.parametrize("language", ["xx", "klingon", "..", "en-zz"])
def test_a_code_that_is_not_a_language_is_404(world, published, client, language):
    assert client.get(public("notice", building_code="3401", language=language)).status_code == 404


def test_a_draft_notice_is_not_public(world, notice, client):
    response = client.get(public("notice", building_code="3401", language="en"))
    assert response.status_code == 404
    assert "not published yet" in response.content.decode()
    assert client.get(public("pdf", building_code="3401", language="en")).status_code == 404
    assert "not published yet" in client.get(public("index")).content.decode()


def test_a_school_without_staff_or_of_another_district_is_404(world, published, client):
    from tests.factories import SchoolFactory

    SchoolFactory(district=world.district, name="Quiet Elementary", building_code="3999")
    assert client.get(public("notice", building_code="3999", language="en")).status_code == 404
    other = reverse(
        "notices_public:notice",
        kwargs={"district_code": "99002", "building_code": "3401", "language": "en"},
    )
    assert client.get(other).status_code == 404
    assert client.get(public("notice", building_code="4101", language="en")).status_code == 404


def test_public_pdf_and_bundle(world, published, client):
    response = client.get(public("pdf", building_code="3201", language="es"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Ngozi Okafor" in text
    bundle = client.get(public("bundle_pdf", building_code="3201"))
    assert bundle.status_code == 200
    assert len(PdfReader(io.BytesIO(bundle.content)).pages) > len(
        PdfReader(io.BytesIO(response.content)).pages
    )


def test_the_public_link_is_registered_on_the_district_page(world, published, client):
    assert any(link.url_name == "notices_public:index" for link in registry.public_links)
    body = client.get(reverse("srp:public_district", args=["99001"])).content.decode()
    assert "Your school&#x27;s notice about safety staff" in body or (
        "Your school's notice about safety staff" in body
    )
    assert public("index") in body


def test_public_index_query_count(world, published, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(public("index")).status_code == 200
