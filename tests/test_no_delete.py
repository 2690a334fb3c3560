"""No hard delete anywhere in the product (issue #13): records are corrected or voided with a
reason, assignments end with a date, and no view or service deletes a row of a project model.

Two proofs, for every model of every project app (django.apps):
1. a static scan of the project's source (migrations and tests aside) for `.delete(`,
   `_raw_delete`, `bulk`-style deletes and raw SQL `DELETE`, with a commented allow-list of
   what is not a record;
2. a runtime guard: `pre_delete` connected for every project model while every page of the
   URL walk is opened as the program administrator and each form on it is posted back with the
   values it shows (correction, void and end forms included), on a district holding a record
   of every kind. Any deletion of a project model's row fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models.signals import pre_delete
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = (
    "srp",
    "sis",
    "agreements",
    "complaints",
    "incidents",
    "notices",
    "reports",
    "notifications",
    "retention",
)

DELETE_CALL = re.compile(r"\.delete\(|_raw_delete\(|\bbulk_delete\b|\bDELETE\s+FROM\b", re.I)

# What the scan may find, by file and the line's code: none of it removes a record.
ALLOWED = {
    # Removing a user's second factor (the TOTP device and the backup codes) and spending or
    # replacing a backup code: credentials, not records.
    ("srp/second_factor.py", "TOTPDevice.objects.filter(user=user).delete()"),
    ("srp/second_factor.py", "StaticDevice.objects.filter(user=user).delete()"),
    ("srp/second_factor.py", "device.token_set.all().delete()"),
    (
        "srp/second_factor.py",
        "removed, _by_model = StaticToken.objects.filter(device=device, token=normalised).delete()",
    ),
    # Destruction under the district's retention rules (issue #15): only after a program
    # administrator confirms the list of records past their period and on no legal hold, each
    # written to the destruction log; the one way a record leaves srp.
    ("retention/services.py", "count, _by_model = part._base_manager.filter(pk__in=ids).delete()"),
    (
        "retention/services.py",
        "count, _by_model = history._base_manager.filter(id__in=ids).delete()",
    ),
    ("retention/services.py", "default_storage.delete(name)"),
    # A one-time nonce in the cache (public form replay guard): not the database.
    ("complaints/public_views.py", "cache.delete(nonce_key)"),
    # The readiness probe's own test key in the cache: not the database.
    ("srp/health.py", "cache.delete(key)"),
}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_every_project_app_has_models_to_guard():
    labels = {m._meta.app_label for m in project_models()}
    assert {"srp", "agreements", "complaints", "incidents", "notices"} <= labels


def _source_files():
    for app in PROJECT_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def test_no_source_deletes_rows():
    found = []
    for path in _source_files():
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if DELETE_CALL.search(code) and (relative, code.strip()) not in ALLOWED:
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "hard deletes in the product:\n" + "\n".join(found)


def test_allow_list_names_only_lines_that_exist():
    """An entry whose line is gone is removed from ALLOWED, so the list stays exact."""
    for relative, code in ALLOWED:
        assert code in (ROOT / relative).read_text(), relative


def test_admin_site_deletes_no_record(world):
    """The Django admin (/ops/admin/) offers no delete of a project record, even to a
    superuser; only sign-in artefacts (second-factor devices, lockouts) may be removed."""
    from django.contrib import admin
    from django.test import RequestFactory

    from srp.models import User

    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root@example.org", "root@example.org", "x")
    offenders = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS and model_admin.has_delete_permission(request)
    ]
    assert not offenders, offenders
    guarded = [m for m in admin.site._registry if m._meta.app_label in PROJECT_APPS]
    assert {m._meta.app_label for m in guarded} >= {"srp", "agreements", "notices"}
    # The bulk "delete selected" action is gone too.
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            assert "delete_selected" not in model_admin.get_actions(request), model._meta.label


@pytest.fixture
def deletions():
    """Every deletion of a project model's row while the fixture is active."""
    seen: list[str] = []

    def record(sender, instance, **kwargs):
        seen.append(f"{sender._meta.label} #{instance.pk}")

    models = project_models()
    for model in models:
        pre_delete.connect(record, sender=model, weak=False, dispatch_uid=f"no-delete-{model}")
    yield seen
    for model in models:
        pre_delete.disconnect(sender=model, dispatch_uid=f"no-delete-{model}")


@pytest.mark.django_db
def test_guard_sees_a_deletion(world, deletions):
    """The guard works: a deletion through the ORM is seen."""
    from tests.agreements.factories import ProviderFactory

    provider = ProviderFactory(district=world.district)
    pk = provider.pk
    provider.delete()
    assert f"agreements.Provider #{pk}" in deletions


def _values(world):
    """Real ids for every route, the correction and void routes of agreements included."""
    from agreements.models import (
        EngagementEvent,
        HiringRecord,
        PerformanceEvaluation,
        StaffAssignment,
        TrainingRecord,
    )
    from tests.srp.test_hostile_input import real_values

    values = real_values(world)
    d = world.district
    for route, model, parent in (
        ("agreements/staff/<int:pk>/training/<int:record_pk>", TrainingRecord, "staff_member_id"),
        ("agreements/staff/<int:pk>/hiring/<int:record_pk>", HiringRecord, "staff_member_id"),
        (
            "agreements/staff/<int:pk>/evaluations/<int:record_pk>",
            PerformanceEvaluation,
            "staff_member_id",
        ),
        (
            "agreements/staff/<int:pk>/assignments/<int:assignment_pk>",
            StaffAssignment,
            "staff_member_id",
        ),
    ):
        record = model.objects.filter(staff_member__district=d).order_by("pk").first()
        if record is not None:
            values[route] = f"{getattr(record, parent)}/{record.pk}"
    event = EngagementEvent.objects.filter(review__agreement__district=d).order_by("pk").first()
    if event is not None:
        values["agreements/register/<int:pk>/events/<int:event_pk>"] = (
            f"{event.review.agreement_id}/{event.pk}"
        )
    return values


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_pdfs")
def test_no_view_deletes_a_row(world, deletions, settings, tmp_path):
    """Every page of the walk as the program administrator, each of its forms posted back with
    the values it shows (a reason filled in): no row of a project model is deleted."""
    from tests.srp.test_hostile_input import fill, page_forms, routes, seed_every_kind

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_every_kind(world)
    values = _values(world)
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    posted = 0
    for route in routes():
        url = fill(route, values)
        if url.startswith(("/accounts/", "/i18n/")):
            continue  # signing out or switching language would end the walk, deletes nothing
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        for form in page_forms(response.content.decode()):
            if form.method != "post" or form.action not in ("", url):
                continue
            body = {f.name: f.value for f in form.fields if f.kind != "file"}
            if "reason" in body and not body["reason"]:
                body["reason"] = "Checked by the no-delete walk"
            client.post(url, body)
            posted += 1
    assert posted > 20, posted
    assert not deletions, "rows deleted by views:\n" + "\n".join(deletions)


@pytest.fixture
def _fast_pdfs(monkeypatch):
    """The walk is about deletes, not typesetting: WeasyPrint's layout step gives a blank page."""
    import io

    from pypdf import PdfWriter
    from weasyprint import HTML

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    blank = buffer.getvalue()
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *args, **kwargs: blank)
