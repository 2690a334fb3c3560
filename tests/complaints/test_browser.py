"""Journeys in Debian's Chromium: a family files in Spanish on a phone, an investigator answers,
the family reads the letter; the public pages pass axe-core (R-06, R-07, R-08, R-25, R-26)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints import services
from complaints.models import Complaint, Status
from srp.models import OutboundEmail
from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in
from tests.complaints.factories import PNG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-complaints")  # noqa: S108 - screenshots for people to look at


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


@pytest.fixture
def quick_form(settings):
    # People take longer than the minimum fill time; the robot does not.
    settings.COMPLAINTS_MIN_FILL_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_family_files_in_spanish_and_reads_the_response_letter(
    page, browser, live_server, world, quick_form, tmp_path, settings
):
    settings.SITE_URL = live_server.url  # links in the receipt and emails
    base = f"{live_server.url}/p/{world.district.code}/complaints"
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])

    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(page)
    shot(page, "phone-process-es")
    page.get_by_role("link", name="Empezar una queja").click()
    page.wait_for_url(f"{base}/new/")
    assert_accessible(page)

    photo = tmp_path / "foto.png"
    photo.write_bytes(PNG_BYTES)
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    page.get_by_label("Escuela").select_option(label=world.school_a.name)
    page.get_by_label("Fecha en que ocurrió").fill(day)
    page.get_by_label("Dónde ocurrió").fill("Entrada principal")
    page.get_by_label("Qué pasó").fill("El guardia le gritó a mi hija delante de sus amigos.")
    page.get_by_label("Madre, padre o tutor").check()
    page.get_by_label("Presentar de forma anónima").check()
    page.locator("#id_contact_preference_0").check()  # email
    page.get_by_role("textbox", name="Correo electrónico").fill("familia@example.org")
    page.get_by_label("Idioma de nuestras cartas y correos").select_option("es")
    page.get_by_label("Fotos o documentos (opcional)").set_input_files(str(photo))
    shot(page, "phone-form-es")
    page.get_by_role("button", name="Enviar la queja").click()
    page.wait_for_url(f"{base}/sent/")

    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.language == "es"
    assert complaint.attachments.count() == 1
    assert page.locator("#reference").inner_text() == complaint.reference
    assert_accessible(page)
    shot(page, "phone-submitted-es")
    assert OutboundEmail.objects.filter(to=["familia@example.org"]).exists()
    status_url = page.locator("#status-link").get_attribute("href")

    page.goto(status_url)
    assert page.locator("#current-stage").inner_text() == "Recibida"
    assert_accessible(page)

    # The program administrator assigns it; the investigator takes it to the response letter.
    services.complaint_assign(complaint=complaint, investigator=world.investigator, by=world.admin)
    staff_context = browser.new_context(viewport=DESKTOP)
    staff_page = staff_context.new_page()
    sign_in(staff_page, live_server, world.investigator)
    staff_page.goto(f"{live_server.url}/complaints/")
    staff_page.get_by_role("link", name=complaint.reference).click()
    for link, button in [
        ("Acknowledge", "Acknowledge"),
        ("Start the investigation", "Start the investigation"),
    ]:
        staff_page.get_by_role("link", name=link).click()
        staff_page.get_by_role("button", name=button).click()
        staff_page.wait_for_url(f"{live_server.url}/complaints/{complaint.pk}/")
    staff_page.get_by_role("link", name="Add an allegation").click()
    staff_page.get_by_label("Category").select_option("student_interaction")
    staff_page.get_by_label("Allegation").fill("Shouted at a student in front of others.")
    staff_page.get_by_label("Finding", exact=True).select_option("sustained")
    staff_page.get_by_label("Finding in plain words").fill(
        "Dos testigos confirmaron lo que usted describió."
    )
    staff_page.get_by_role("button", name="Save").click()
    staff_page.wait_for_url(f"{live_server.url}/complaints/{complaint.pk}/")
    for action in ["Record the findings", "Send the response letter"]:
        staff_page.get_by_role("link", name=action).click()
        staff_page.get_by_role("button", name=action).click()
        staff_page.wait_for_url(f"{live_server.url}/complaints/{complaint.pk}/")
    shot(staff_page, "desktop-detail-investigator")
    staff_context.close()
    complaint.refresh_from_db()
    assert complaint.status == Status.RESPONSE_SENT

    page.goto(status_url)
    letter_link = page.get_by_role("link", name="Leer la carta de respuesta (PDF)")
    expect(letter_link).to_be_visible()
    assert_accessible(page)
    shot(page, "phone-status-letter-es")
    letter = page.request.get(live_server.url + letter_link.get_attribute("href"))
    assert letter.status == 200 and letter.body().startswith(b"%PDF-")
    (SHOTS / "letter-es.pdf").write_bytes(letter.body())


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_public_pages_are_accessible_in_english(page, live_server, world, quick_form, viewport):
    base = f"{live_server.url}/p/{world.district.code}/complaints"
    page.set_viewport_size(viewport)
    name = "desktop" if viewport == DESKTOP else "phone"
    for path, label in [("/", "process"), ("/new/", "form")]:
        page.goto(base + path)
        assert_accessible(page)
        shot(page, f"{name}-{label}-en")
    # Errors are announced and tied to their fields.
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_description")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    shot(page, f"{name}-form-errors-en")


def test_keyboard_reaches_the_submit_button(page, live_server, world, quick_form):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/p/{world.district.code}/complaints/new/")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert "id_description" in seen
    assert "id_website" not in seen  # the honeypot is never reached
    assert any("Send the complaint" in s for s in seen)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_list_and_dashboard_with_demo_data(page, live_server, quick_form, viewport):
    from agreements.models import Provider
    from complaints.demo import seed
    from srp.demo import DEMO_PASSWORD, seed_base

    ctx = seed_base()
    Provider.objects.get_or_create(
        district=ctx.district,
        name="Cascade County Sheriff",
        defaults={"kind": Provider.Kind.LAW_ENFORCEMENT},
    )
    seed(ctx)
    name = "desktop" if viewport == DESKTOP else "phone"
    page.set_viewport_size(viewport)
    sign_in(page, live_server, ctx.users["admin"], password=DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Complaints").first).to_be_visible()
    shot(page, f"{name}-dashboard-admin")
    page.goto(f"{live_server.url}/complaints/")
    expect(page.get_by_text("40 complaints")).to_be_visible()
    assert page.locator("tr.overdue").count() > 0
    assert_accessible(page)
    shot(page, f"{name}-list-admin")
    page.goto(f"{live_server.url}/complaints/?overdue=on")
    assert page.locator("tr.overdue").count() == page.locator("tbody tr").count()
