"""R-21: the state data package and its CRDC-style table, against counts computed here."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from incidents.models import Call, StudentInvolved
from reports.packages import CRDC_DISABILITY, state_package
from tests.reports import dataset
from tests.reports.dataset import at


@pytest.fixture
def known(world):
    known = dataset.build(world, calls=30)
    # Two arrests of the same numbered student, and one unnumbered citation.
    call = Call.objects.create(
        district=world.district,
        school=world.school_a,
        call_ref="ARR-1",
        occurred_at=at(dataset.YEAR_DAY),
        requested_by="dispatch",
        reason="weapon",
        outcome="arrest",
        narrative="A knife was found.",
        responding_staff=Call.objects.filter(district=world.district).first().responding_staff,
    )
    for outcome, ref in (("arrest", "S-1"), ("arrest", "S-1"), ("citation", "")):
        StudentInvolved.objects.create(
            call=call,
            student_ref=ref,
            grade="11",
            race_ethnicity="black_african_american",
            sex="male",
            disability="idea",
            english_learner="yes",
            outcome=outcome,
        )
    return known


def test_package_contents(world, known):
    package = state_package(district=world.district, school_year=known.year)
    staff = {s["code"]: s for s in package["staff"]}
    for code, (count, _days) in known.staff.items():
        assert staff[code]["staff"] == count
    assert {p["name"]: p["agreements_adopted"] for p in package["providers"]} == {
        "Cascade County Sheriff": 1,
        "Northwest Security": 0,
    }
    assert package["complaints"] == len(known.complaints)
    knife = [i for i in package["incidents"] if i["reference"] == "ARR-1"]
    assert len(knife) == 3
    assert all(i["student"]["iep"] and not i["student"]["section_504"] for i in knife)
    assert "A knife was found." in knife[0]["description"]
    # Every incident is a call ending in arrest, discipline, force or a student's arrest.
    references = {i["reference"] for i in package["incidents"] if i["kind"] == "call"}
    expected = set(
        Call.objects.recorded()
        .in_school_year(known.year)
        .incidents()
        .values_list("call_ref", flat=True)
    )
    assert references == expected


def test_crdc_table_counts_instances_and_students(world, known):
    rows = state_package(district=world.district, school_year=known.year)["crdc"]["rows"]
    referral = {"citation", "arrest", "juvenile_referral"}
    students = [s for s in known.students if s["outcome"] in referral]
    extra = [("arrest", "S-1"), ("arrest", "S-1"), ("citation", "")]
    for group, label in CRDC_DISABILITY.items():
        all_row = next(r for r in rows if r["disability"] == label and r["group"] == "All students")
        dataset_rows = [s for s in students if s["disability"] == group]
        # Dataset students have no student number: each row is one student.
        expected_instances = len(dataset_rows) + (3 if group == "idea" else 0)
        assert all_row["referral_instances"] == expected_instances
        expected_students = len(dataset_rows) + (2 if group == "idea" else 0)  # S-1 once + ""
        assert all_row["referral_students"] == expected_students
        arrests = sum(s["outcome"] == "arrest" for s in dataset_rows)
        assert all_row["arrest_instances"] == arrests + (2 if group == "idea" else 0)
        assert all_row["arrest_students"] == arrests + (1 if group == "idea" else 0)
    assert extra  # documented above
    black_idea = next(
        r for r in rows if r["disability"] == "idea" and r["group"] == "Black or African American"
    )
    expected = sum(
        s["disability"] == "idea" and s["race_ethnicity"] == "black_african_american"
        for s in students
    )
    assert black_idea["referral_instances"] == expected + 3


def test_downloads_are_for_the_program_admin_only(client, client_for, world, known):
    pdf = reverse("reports:state_package_pdf", kwargs={"label": dataset.YEAR})
    csv = reverse("reports:state_package_csv", kwargs={"label": dataset.YEAR})
    admin = client_for(world.admin)
    assert admin.get(pdf).content.startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(admin.get(csv).content))
    assert "05-crdc-referrals-and-arrests.csv" in archive.namelist()
    incidents = archive.read("03-incidents.csv").decode("utf-8-sig")
    assert "iep" in incidents.splitlines()[0]
    header = incidents.splitlines()[0].lower()
    for forbidden in ("citizenship", "immigration", "visa", "birth"):
        assert forbidden not in header
    for user in (world.board, world.principal_a, world.teacher_a):
        assert client_for(user).get(pdf).status_code == 403
    assert client_for(world.outsider).get(pdf).status_code == 404
    assert client.get(pdf).status_code == 302


def test_hostile_text_is_neutralised_in_csv(client_for, world, known):
    world.school_a.name = '=HYPERLINK("http://evil.example","x")'
    world.school_a.save()
    csv = reverse("reports:state_package_csv", kwargs={"label": dataset.YEAR})
    archive = zipfile.ZipFile(io.BytesIO(client_for(world.admin).get(csv).content))
    staff = archive.read("01-staff-by-building.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in staff
    report_zip = reverse("reports:csv", kwargs={"label": dataset.YEAR})
    archive = zipfile.ZipFile(io.BytesIO(client_for(world.admin).get(report_zip).content))
    staff = next(n for n in archive.namelist() if n.endswith("staff_by_school.csv"))
    assert "'=HYPERLINK" in archive.read(staff).decode("utf-8-sig")


def _blank_pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_text(data: bytes) -> tuple[list[str], list]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() or "" for page in reader.pages], list(reader.pages)


def test_complaints_by_job_duties_and_student_interactions(world, known):
    """RCW 28A.320.1241(1)(d): the number of complaints about job duties and about student
    interactions (a complaint with allegations in both counts in each)."""
    from complaints.models import Allegation
    from reports.selectors import complaints_received_in

    received = list(complaints_received_in(known.year, None).values_list("pk", flat=True))
    categories: dict[str, set[int]] = {}
    for complaint_id, category in Allegation.objects.filter(complaint_id__in=received).values_list(
        "complaint_id", "category"
    ):
        categories.setdefault(category, set()).add(complaint_id)
    by_category = state_package(district=world.district, school_year=known.year)[
        "complaints_by_category"
    ]
    assert by_category["total"] == len(received) == len(known.complaints)
    for code in ("job_duties", "student_interaction", "other"):
        assert by_category[code] == len(categories.get(code, set())), code
    assert by_category["job_duties"] + by_category["student_interaction"] > 0


def test_package_pdf_reads_on_paper_and_bundles_the_adopted_agreements(client_for, world, known):
    """Issue #13: labels not codes, the incidents and CRDC tables on landscape pages, the
    complaints by category, and the adopted agreement's signed PDF appended (and in the zip);
    a draft agreement is not bundled."""
    from django.core.files.base import ContentFile

    from agreements.models import Agreement

    adopted = Agreement.objects.get(title="SRO agreement 2025")
    adopted.document.save("signed.pdf", ContentFile(_blank_pdf(2)), save=True)
    package = state_package(district=world.district, school_year=known.year)
    assert [a["title"] for a in package["agreements"]] == ["SRO agreement 2025"]

    pdf = reverse("reports:state_package_pdf", kwargs={"label": dataset.YEAR})
    data = client_for(world.admin).get(pdf).content
    texts, pages = _pdf_text(data)
    # The two blank pages of the signed agreement come last, numbered with the package's pages.
    total = len(texts)
    assert texts[-2].strip() == f"{total - 1} / {total}"
    assert texts[-1].strip() == f"{total} / {total}"
    text = " ".join("\n".join(texts).split())
    assert "Appended (2 pages)" in text
    assert "SRO agreement 2025" in text
    assert "Security services draft" not in text
    for label in ("Students with disabilities (IDEA)", "Section 504 only", "Job duties"):
        assert label in text, label
    for code in ("section_504_only", "black_african_american", "job_duties", "student_interaction"):
        assert code not in text, code
    words = set(text.split())
    assert "idea" not in words and "neither" not in words
    incidents_page = next(i for i, t in enumerate(texts) if "Incidents and the students" in t)
    box = pages[incidents_page].mediabox
    assert box.width > box.height  # landscape
    assert pages[0].mediabox.width < pages[0].mediabox.height  # the first page is portrait

    csv = reverse("reports:state_package_csv", kwargs={"label": dataset.YEAR})
    archive = zipfile.ZipFile(io.BytesIO(client_for(world.admin).get(csv).content))
    assert archive.read(f"agreements/agreement-{adopted.pk}.pdf").startswith(b"%PDF")
    listing = archive.read("06-adopted-agreements.csv").decode("utf-8-sig")
    assert f"agreements/agreement-{adopted.pk}.pdf" in listing
    complaints = archive.read("04-complaints.csv").decode("utf-8-sig").splitlines()
    assert complaints[0] == (
        "complaints_received,about_job_duties,about_student_interaction,about_other"
    )


def test_an_unreadable_agreement_document_is_listed_not_appended(world, known):
    from django.core.files.base import ContentFile

    from agreements.models import Agreement
    from reports.packages import agreement_documents
    from reports.pdf import render_state_package_pdf

    adopted = Agreement.objects.get(title="SRO agreement 2025")
    adopted.document.save("signed.pdf", ContentFile(b"%PDF-1.4 not really"), save=True)
    package = state_package(district=world.district, school_year=known.year)
    texts, _pages = _pdf_text(
        render_state_package_pdf(package, documents=agreement_documents(package))
    )
    assert "On file, but it could not be read as a PDF" in " ".join(" ".join(texts).split())


def test_every_page_of_the_package_is_numbered_appended_agreements_included(world, known):
    """The "n / N" footer counts the whole document: the package's own pages and every page of
    the appended agreements, whatever their size or rotation (an A4 scan, a rotated page)."""
    import re

    from pypdf import PdfReader, PdfWriter

    from reports.pdf import render_state_package_pdf

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4
    writer.add_blank_page(width=612, height=792).rotate(90)  # scanned sideways
    writer.add_blank_page(width=792, height=612)  # landscape
    buffer = io.BytesIO()
    writer.write(buffer)
    package = state_package(district=world.district, school_year=known.year)
    agreement = package["agreements"][0]
    data = render_state_package_pdf(package, documents={agreement["id"]: buffer.getvalue()})
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    own = total - 3
    assert own >= 1
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text() or ""
        # Once per page, never the package's own count alone ("1 / 4" of a 7-page document).
        assert re.findall(r"\b\d+ / \d+\b", text) == [f"{number} / {total}"], (number, text)
    for page in reader.pages[own:]:
        assert page.extract_text().strip() == f"{reader.get_page_number(page) + 1} / {total}"
    # The stamp sits upright in the bottom-right corner of every page, as the package's own
    # footer does (the rotated page was turned upright first).
    for page in reader.pages[own:]:
        box = page.cropbox
        x, y = _text_position(page)
        assert float(box.width) / 2 < x < float(box.width) and 0 < y < 60, (x, y)


def _text_position(page) -> tuple[float, float]:
    """Where on `page` its first text is drawn, in the page's points (the text matrix's origin
    through the current transformation matrix)."""
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, *_args):
        if text.strip():
            x, y = float(tm[4]), float(tm[5])
            found.append((x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    assert found, "no text on the page"
    return found[0]
