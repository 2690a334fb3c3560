"""Bad input never answers 5xx (issue #11, item 7).

Every URL pattern is requested as every persona of the `world` fixture, on a district holding a
record of every kind (the demo seed): first with real ids, then with hostile values in its
converters (a NUL byte, invalid UTF-8, a superscript digit, a very long string, a number no
column holds). Each page that answers gets hostile headers, and hostile values in every query
key its view reads (NUL bytes, invalid UTF-8, dates far outside 1900-2100, ids that are not
numbers); each form on it is posted back with hostile values, one kind of field at a time.
Any 5xx fails the test, which lists every request that gave one.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.functional import cached_property

# The Django admin's pages are Django's own; signing out would end the session under test.
SKIPPED = ("/ops/admin/",)

HUGE_NUMBER = "9" * 22
LONG_TEXT = "x" * 5000
NUL_AND_BROKEN = "a\x00b\udcff"  # a NUL byte, then a byte that is not UTF-8 (see _encode)
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no

# In place of a route's str converters (int converters keep real ids): invalid UTF-8 and a NUL
# byte; a superscript digit in a very long string. Then a number no column holds in its ints.
HOSTILE_PATH_STRINGS = ["%ff%00", quote(SUPERSCRIPT_TWO) + LONG_TEXT]

# Always among the query keys tried on a page whose view reads any key.
GENERIC_QUERY_KEYS = ("q", "page", "call", "school", "year", "date_from", "date_to")
DATE_NAME = re.compile(r"(^|_)(date|from|to|on|since|until|at|due)($|_)")

HOSTILE_HEADERS = {
    "HTTP_X_FORWARDED_FOR": "not-an-ip, \u00ff\u00fe, 999.999.999.999, ::::",
    "HTTP_X_REAL_IP": "garbage",
    "HTTP_ACCEPT_LANGUAGE": "zz-ZZZZZZZZZZ;q=abc, ;;;, \u00ff" + ",en" * 200,
    "HTTP_REFERER": "http://\u00ff\u00fe/%00",
    "HTTP_USER_AGENT": "\u00ff" * 300,
    "HTTP_HX_REQUEST": "maybe",
    "HTTP_HX_TARGET": "\u00ff",
    "HTTP_HX_CURRENT_URL": "javascript:alert(1)",
    "HTTP_IF_MODIFIED_SINCE": "yesterday",
    "HTTP_RANGE": "bytes=9-1",
}

PERSONAS = [
    "admin",
    "principal_a",
    "teacher_a",
    "safety_staff",
    "investigator",
    "liaison",
    "board",
    "outsider",
    "host",
    None,  # anonymous
]


def walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes() -> list[str]:
    return sorted({r for r in walk(get_resolver()) if not ("/" + r).startswith(SKIPPED)})


# ---- a district with a record of every kind, so that detail pages answer ---------------------


def seed_every_kind(world) -> None:  # noqa: ANN001
    """The demo seed, on top of the world's district (same code, same schools 3401 and 3201,
    same year): the world's personas see its records."""
    from srp.demo import seed_base
    from srp.registry import registry

    context = seed_base()
    for seeder in registry.demo_seeders:
        seeder.seed(context)


STR_VALUES = {
    "district_code": "99001",
    "building_code": "3401",
    "language": "es",
    "label": "2026-27",
    "kind": "presentation",
    "action": "acknowledge",
    "token": "not-a-token",
    "uidb64": "MQ",
}


def real_values(world) -> dict[str, str]:  # noqa: ANN001, C901
    """Ids of real records, keyed by the route text up to the converter they fill; a nested
    record gives "parent/child" under the route text up to the child."""
    from agreements.models import (
        AnnualReview,
        EngagementAttachment,
        EsdDocumentation,
        Provider,
        StaffAssignment,
        StaffMember,
    )
    from complaints.models import Allegation, Attachment, Complaint, LetterText
    from incidents.models import (
        AgencyInformationRequest,
        Call,
        ImportBatch,
        InterventionRequest,
        LawEnforcementActivity,
        RestraintReport,
        StudentInvolved,
    )
    from notices.models import Delivery, DeliveryEvidence, Notice, NoticeArchive, NoticeTranslation
    from srp.models import Membership

    d = world.district

    def first(model, **filters) -> object | None:  # noqa: ANN001
        return model.objects.filter(**filters).order_by("pk").first()

    def pk(model, **filters) -> str:  # noqa: ANN001
        obj = first(model, **filters)
        return str(obj.pk) if obj else "1"

    review = first(AnnualReview, agreement__district=d)
    translation = first(NoticeTranslation, notice__district=d)
    values = {
        "district/schools/<int:pk>": str(world.school_a.pk),
        "district/years/<int:pk>": str(world.year.pk),
        "district/people/<int:pk>": pk(Membership, district=d, user=world.teacher_a),
        "agreements/register/<int:pk>": str(review.agreement_id) if review else "1",
        "agreements/register/<int:pk>/reviews/<int:review_pk>": (
            f"{review.agreement_id}/{review.pk}" if review else "1/1"
        ),
        "agreements/register/providers/<int:pk>": pk(Provider, district=d),
        "agreements/staff/<int:pk>": pk(StaffMember, district=d),
        "notices/<int:pk>": pk(Notice, district=d),
        "notices/languages/<int:pk>": str(translation.pk) if translation else "1",
        "notices/schools/<int:school_pk>": str(world.school_a.pk),
        "notices/deliveries/<int:pk>": pk(Delivery, school__district=d),
        "notices/archive/<int:pk>": pk(NoticeArchive, district=d),
        "complaints/letters/<int:pk>": pk(LetterText),
        "complaints/<int:pk>": pk(Complaint, district=d),
        "incidents/calls/<int:pk>": pk(Call, district=d),
        "incidents/activities/<int:pk>": pk(LawEnforcementActivity, call__district=d),
        "incidents/requests/<int:pk>": pk(InterventionRequest, district=d),
        "incidents/restraint/<int:pk>": pk(RestraintReport, district=d),
        "incidents/agency-requests/<int:pk>": pk(AgencyInformationRequest, district=d),
        "incidents/import/<int:pk>": pk(ImportBatch, district=d),
    }
    if translation:
        values["notices/<int:pk>/languages/<str:language>"] = (
            f"{translation.notice_id}/{translation.language}"
        )
    nested = {
        "agreements/register/<int:pk>/attachments/<int:attachment_pk>": (
            first(EngagementAttachment, event__review__agreement__district=d),
            lambda a: a.event.review.agreement_id,
        ),
        "agreements/staff/<int:pk>/assignments/<int:assignment_pk>": (
            first(StaffAssignment, staff_member__district=d),
            lambda a: a.staff_member_id,
        ),
        "agreements/staff/<int:pk>/esd/<int:document_pk>": (
            first(EsdDocumentation, staff_member__district=d),
            lambda e: e.staff_member_id,
        ),
        "complaints/<int:pk>/allegations/<int:allegation_pk>": (
            first(Allegation, complaint__district=d),
            lambda a: a.complaint_id,
        ),
        "complaints/<int:pk>/attachments/<int:attachment_pk>": (
            first(Attachment, complaint__district=d),
            lambda a: a.complaint_id,
        ),
        "incidents/calls/<int:pk>/students/<int:student_pk>": (
            first(StudentInvolved, call__district=d),
            lambda s: s.call_id,
        ),
        "notices/deliveries/<int:pk>/evidence/<int:evidence_pk>": (
            first(DeliveryEvidence, delivery__school__district=d),
            lambda e: e.delivery_id,
        ),
    }
    for route, (child, parent) in nested.items():
        if child is not None:
            values[route] = f"{parent(child)}/{child.pk}"
    return values


def fill(
    route: str,
    values: dict[str, str],
    *,
    str_value: str | None = None,
    int_value: str | None = None,
) -> str:
    """The route with its converters filled with real values, or with a hostile value in place
    of every str (`str_value`) or every int (`int_value`) converter."""
    matches = list(CONVERTER.finditer(route))
    real: list[str] = []
    for index, match in enumerate(matches):
        value = values.get(route[: match.end()])
        if value is not None and "/" in value:
            parent, value = value.split("/")
            real[index - 1] = parent
        if value is None:
            converter, name = match.group(1) or "str", match.group(2)
            value = STR_VALUES.get(name, "1" if converter == "int" else "x")
        real.append(value)
    out, last = "", 0
    for match, value in zip(matches, real, strict=True):
        is_int = match.group(1) == "int"
        if is_int and int_value is not None:
            value = int_value
        elif not is_int and str_value is not None:
            value = str_value
        out += route[last : match.start()] + value
        last = match.end()
    return "/" + out + route[last:]


def hostile_urls(route: str, values: dict[str, str]) -> list[str]:
    converters = [m.group(1) or "str" for m in CONVERTER.finditer(route)]
    urls = []
    if any(c != "int" for c in converters):
        urls += [fill(route, values, str_value=s) for s in HOSTILE_PATH_STRINGS]
    if "int" in converters:
        urls.append(fill(route, values, int_value=HUGE_NUMBER))
    return urls


# ---- which query keys a view reads ------------------------------------------------------------

READ_KEYS: set[str] = set()


class _TrackingQueryDict(QueryDict):
    """A request's GET that remembers the keys the view asked for."""

    def __getitem__(self, key: str):  # noqa: ANN204
        READ_KEYS.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        READ_KEYS.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: str, default=None):  # noqa: ANN001, ANN201
        READ_KEYS.add(key)
        return super().getlist(key, default)

    def items(self):  # noqa: ANN201
        READ_KEYS.add("*")
        return super().items()

    def dict(self):  # noqa: ANN201
        READ_KEYS.add("*")
        return super().dict()


@pytest.fixture
def _track_query_reads(monkeypatch):
    def tracked_get(request: WSGIRequest) -> QueryDict:
        raw = request.environ.get("QUERY_STRING", "").encode("latin-1")
        return _TrackingQueryDict(raw, encoding=request._encoding)

    prop = cached_property(tracked_get)
    prop.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", prop)


def hostile_queries(keys: set[str], date_keys: set[str]) -> list[dict[str, str]]:
    """One kind of hostile value at a time, in the keys the view reads: a filter form that is
    invalid as a whole filters nothing, so dates and ids are not mixed in one request."""
    keys = (set(GENERIC_QUERY_KEYS) if "*" in keys else keys) - {"*"}
    dates = {k for k in keys if k in date_keys or DATE_NAME.search(k)}
    others = keys - dates
    variants = [{k: NUL_AND_BROKEN for k in keys}]
    if dates:
        variants += [{k: "9999-12-31" for k in dates}, {k: "0001-01-01" for k in dates}]
    if others:
        variants += [
            {k: SUPERSCRIPT_TWO for k in others},
            {k: HUGE_NUMBER if i % 2 else LONG_TEXT for i, k in enumerate(sorted(others))},
        ]
    return variants


# ---- forms found on a page, posted back with hostile values ---------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # "text", "date", "datetime", "number", "choice", "checkbox", "hidden", "file"
    value: str = ""


@dataclass
class PageForm:
    method: str
    action: str
    multipart: bool = False
    fields: list[FormField] = field(default_factory=list)


INPUT_KINDS = {
    "datetime-local": "datetime",
    "email": "text",
    "tel": "text",
    "url": "text",
    "search": "text",
    "password": "text",
    "radio": "choice",
    "submit": "hidden",
}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                PageForm(
                    a.get("method", "get").lower(),
                    a.get("action", ""),
                    multipart=a.get("enctype", "") == "multipart/form-data",
                )
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "option" and self._select is not None:
            if "selected" in a or not self._select.value:
                self._select.value = a.get("value", "")
        if not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            kind = INPUT_KINDS.get(kind, kind)
            if kind in ("checkbox", "choice") and "checked" not in a:
                if kind == "checkbox" or any(f.name == a["name"] for f in form.fields):
                    return
            form.fields.append(FormField(a["name"], kind, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "text")
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = FormField(a["name"], "choice")
            form.fields.append(self._select)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def page_forms(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def hostile_bodies(form: PageForm) -> list[dict[str, str]]:
    """The form's own values, with one kind of field at a time made hostile."""
    base = {f.name: f.value for f in form.fields if f.kind != "file"}
    overrides = [
        {"text": NUL_AND_BROKEN},
        {"date": "9999-12-31", "datetime": "9999-12-31T23:59"},
        {"date": "0001-01-01", "datetime": "0001-01-01T00:00"},
        {"choice": SUPERSCRIPT_TWO, "number": SUPERSCRIPT_TWO},
        {"choice": HUGE_NUMBER, "number": HUGE_NUMBER, "text": LONG_TEXT * 4},
    ]
    variants = []
    for override in overrides:
        body = dict(base)
        hostile = [f for f in form.fields if f.kind in override]
        for f in hostile:
            body[f.name] = override[f.kind]
        if hostile:
            variants.append(body)
    return variants


def form_date_keys(forms: list[PageForm]) -> set[str]:
    return {f.name for form in forms for f in form.fields if f.kind in ("date", "datetime")}


# ---- the sweep --------------------------------------------------------------------------------


@pytest.fixture
def _fast_pdfs(monkeypatch):
    """The sweep is about input, not typesetting: WeasyPrint's layout step gives a blank page."""
    from pypdf import PdfWriter
    from weasyprint import HTML

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    blank = buffer.getvalue()
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *args, **kwargs: blank)


@pytest.fixture
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _encode(data: dict[str, str]) -> str:
    """A query string or form body; a lone surrogate stands for a byte that is not UTF-8."""
    return "&".join(
        f"{quote(key)}={quote(value.encode('utf-8', 'surrogateescape'))}"
        for key, value in data.items()
    )


class Sweep:
    def __init__(self, client: Client, values: dict[str, str], label: str) -> None:
        self.client = client
        self.values = values
        self.label = label
        self.failures: list[str] = []
        self.requests = 0

    def get(self, url: str, query: dict[str, str] | None = None, **headers: str):  # noqa: ANN201
        full = url + ("?" + _encode(query) if query else "")
        response = self.client.get(full, **headers)
        self._check("GET", full, response)
        return response

    def post(self, url: str, body: dict[str, str], *, multipart: bool = False) -> None:
        if multipart:
            # As a browser sends a form with files: the fields themselves must refuse a NUL.
            text = {k: v.replace("\udcff", "") for k, v in body.items()}
            response = self.client.post(url, text)
        else:
            response = self.client.post(
                url, _encode(body), content_type="application/x-www-form-urlencoded"
            )
        self._check("POST", url, response, note=" " + ",".join(sorted(body))[:80])

    def _check(self, method: str, url: str, response, note: str = "") -> None:  # noqa: ANN001
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{self.label}: {method} {url[:150]}{note} -> {response.status_code}"
            )

    def run(self) -> None:
        for route in routes():
            url = fill(route, self.values)
            READ_KEYS.clear()
            # Hostile headers, and a query that binds any form the view fills from GET.
            response = self.get(url, {"probe": "1"}, **HOSTILE_HEADERS)
            keys = set(READ_KEYS) - {"probe"}
            if response.status_code == 200:
                is_page = "html" in response.get("Content-Type", "") and not response.streaming
                forms = page_forms(response.content.decode()) if is_page else []
                if keys:
                    for query in hostile_queries(keys, form_date_keys(forms)):
                        self.get(url, query)
                for form in forms:
                    # A form posting elsewhere (sign-out, the language switch) is swept from
                    # its own page.
                    if form.method == "post" and form.action in ("", url):
                        for index, body in enumerate(hostile_bodies(form)):
                            self.post(url, body)
                            if form.multipart and index == 0:
                                self.post(url, body, multipart=True)
            # Converters reach a view only when this persona may open the page (or it is public).
            if response.status_code == 200 or url.startswith("/p/"):
                for hostile in hostile_urls(route, self.values):
                    self.get(hostile)


@pytest.mark.django_db
@pytest.mark.usefixtures("_fast_pdfs", "_private_media", "_track_query_reads")
def test_no_url_answers_5xx_to_hostile_input(world):
    seed_every_kind(world)
    values = real_values(world)
    failures: list[str] = []
    started, requests = time.process_time(), 0
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona is not None:
            client.force_login(getattr(world, persona))
        sweep = Sweep(client, values, persona or "anonymous")
        sweep.run()
        failures += sweep.failures
        requests += sweep.requests
    elapsed = time.process_time() - started
    assert not failures, f"{len(failures)} of {requests} requests answered 5xx:\n" + "\n".join(
        failures
    )
    print(f"{requests} requests in {elapsed:.1f} s of processor time")  # noqa: T201


# ---- the findings of issue #11, one by one -----------------------------------------------------

READ_ERROR = "The request could not be read"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/p/%00/",
        "/p/%00/complaints/new/",
        "/p/99001/notices/%00/es/",
        "/district/people/?q=%00",
        "/district/people/?q=%ff",
        "/incidents/calls/?date_from=%00",
    ],
)
def test_nul_byte_or_invalid_utf8_in_path_or_query_is_a_400_page(world, client_for, url):
    response = client_for(world.admin).get(url)
    assert response.status_code == 400
    assert READ_ERROR in response.content.decode()


def test_a_raw_path_that_is_not_utf8_is_refused():
    """A WSGI server hands the path's raw bytes over (the test client re-escapes them first)."""
    from django.test import RequestFactory

    from srp.hostile_input import hostile_part

    request = RequestFactory().get("/p/99001/")
    request.META["PATH_INFO"] = "/p/\xff/"  # the byte 0xFF, as WSGI passes it (latin-1)
    assert hostile_part(request) == "path"
    request.META["PATH_INFO"] = "/p/ñ/".encode().decode("latin-1")  # valid UTF-8
    assert hostile_part(request) is None


@pytest.mark.django_db
def test_nul_byte_or_invalid_utf8_in_a_posted_form_is_a_400_and_writes_nothing(world, client_for):
    from srp.models import School

    client = client_for(world.admin)
    url = f"/district/schools/{world.school_a.pk}/edit/"
    for body in ("name=Alder%00High&building_code=3401", "name=Alder%ffHigh&building_code=3401"):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
    assert School.objects.get(pk=world.school_a.pk).name == "Alder High"


@pytest.mark.django_db
def test_nul_byte_in_a_multipart_field_is_a_field_error(world, client_for):
    """Multipart bodies are not read by the middleware; the form field refuses the NUL."""
    from incidents.models import ImportBatch

    response = client_for(world.admin).post("/incidents/import/", {"file": "a\x00b"})
    assert response.status_code in (200, 400)
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "srp.example.org\x00.evil"},
        {"HTTP_USER_AGENT": "a\x00b"},
        {"HTTP_COOKIE": "sessionid=\x00; csrftoken=\x00"},
        {"HTTP_ACCEPT_LANGUAGE": "\x00"},
    ],
)
def test_nul_byte_in_a_header_is_a_400(client, world, headers):
    assert client.get("/p/99001/", **headers).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "not a host"},
        {"HTTP_X_FORWARDED_FOR": "999.1.1.1, garbage, \u00ff"},
        {"HTTP_ACCEPT_LANGUAGE": "zz-ZZZZ;q=abc,,;"},
        {"HTTP_COOKIE": "sessionid=\u00ff\u00fe; django_language=\u00ff"},
    ],
)
def test_odd_headers_without_nul_are_never_a_server_error(client, world, headers):
    response = client.get("/p/99001/", **headers)
    assert response.status_code < 500


INCIDENT_LISTS = [
    "/incidents/calls/",
    "/incidents/activities/",
    "/incidents/requests/",
    "/incidents/restraint/",
    "/incidents/incidents/",
]
INCIDENT_EXPORTS = [
    "/incidents/calls/export.csv",
    "/incidents/activities/export.csv",
    "/incidents/requests/export.csv",
    "/incidents/restraint/export.csv",
    "/incidents/incidents/export.csv",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
@pytest.mark.parametrize("url", INCIDENT_LISTS)
def test_incident_list_filter_refuses_a_date_outside_1900_2100(world, client_for, url, query):
    response = client_for(world.admin).get(f"{url}?{query}")
    assert response.status_code == 200
    assert "Enter a date between" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
@pytest.mark.parametrize("url", INCIDENT_EXPORTS)
def test_incident_export_with_a_date_outside_1900_2100_is_not_a_server_error(
    world, client_for, url, query
):
    assert client_for(world.admin).get(f"{url}?{query}").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", [quote(SUPERSCRIPT_TWO), HUGE_NUMBER, "abc", "-1", ""])
def test_restraint_form_ignores_a_call_id_that_is_not_a_number(world, client_for, value):
    response = client_for(world.admin).get(f"/incidents/restraint/new/?call={value}")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, HUGE_NUMBER])
def test_restraint_form_posted_with_a_call_id_that_is_not_a_number(world, client_for, value):
    from incidents.models import RestraintReport

    response = client_for(world.admin).post(
        "/incidents/restraint/new/", {"call": value, "school": str(world.school_a.pk)}
    )
    assert response.status_code in (200, 400)
    assert not RestraintReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T12:00"])
def test_a_call_dated_outside_1900_2100_is_refused_with_a_field_error(world, client_for, when):
    from incidents.models import Call

    response = client_for(world.admin).post(
        "/incidents/calls/new/",
        {
            "school": str(world.school_a.pk),
            "occurred_at": when,
            "location": "Gym",
            "requested_by": "principal",
            "reason": "fight",
            "outcome": "referred_to_school",
            "narrative": "",
        },
    )
    assert response.status_code in (200, 400)
    assert "Enter a date between" in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_school_year_outside_1900_2100_is_refused(world, client_for, day):
    from srp.models import SchoolYear

    response = client_for(world.admin).post(
        "/district/years/new/",
        {"label": "2099-00", "first_instructional_day": day, "last_instructional_day": day},
    )
    assert "Enter a date between" in response.content.decode()
    assert not SchoolYear.objects.filter(label="2099-00").exists()


@pytest.mark.django_db
def test_an_agreement_dated_in_year_one_is_refused(world, client_for):
    from agreements.models import Agreement, Provider

    provider = Provider.objects.create(district=world.district, name="Sheriff")
    response = client_for(world.admin).post(
        "/agreements/register/new/",
        {"provider": str(provider.pk), "title": "MOU", "effective_from": "0001-01-01"},
    )
    assert "Enter a date between" in response.content.decode()
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_a_complaint_extension_to_year_9999_is_refused(world, client_for):
    from tests.complaints.factories import complaint

    c = complaint(world)
    response = client_for(world.admin).post(
        f"/complaints/{c.pk}/extend/", {"new_due": "9999-12-31", "reason": "More time."}
    )
    assert response.status_code == 400
    assert "Enter a date between" in response.content.decode()
    c.refresh_from_db()
    assert c.respond_due.year == 2026 or c.respond_due.year == 2027


def test_date_pickers_offer_only_1900_to_2100():
    from incidents.forms import CallFilterForm
    from srp.models import School

    form = CallFilterForm(schools=School.objects.none(), staff=School.objects.none())
    html = str(form["date_to"])
    assert 'min="1900-01-01"' in html and 'max="2100-12-31"' in html


@pytest.mark.django_db
def test_a_username_longer_than_the_field_is_a_field_error_not_a_server_error(client, world):
    from axes.models import AccessAttempt

    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "pw"})
    assert response.status_code == 200
    assert "at most" in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="xxx").exists()


PROJECT_FORM_APPS = (
    "agreements",
    "complaints",
    "incidents",
    "notices",
    "reports",
    "srp",
    "sis",
    "notifications",
    "retention",
)


def test_every_form_with_a_date_field_keeps_to_the_bounds():
    """A guard for forms to come: each form class of ours with a date or date-time field bounds
    it (srp.date_bounds.DateBoundsMixin), so no typed date reaches year 1 or year 9999."""
    import importlib
    import inspect

    from django import forms

    from srp.date_bounds import DateBoundsMixin

    unbounded = set()
    for app in PROJECT_FORM_APPS:
        for module_name in ("forms", "filters", "views", "audit_views", "public_views"):
            try:
                module = importlib.import_module(f"{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, forms.BaseForm) or not cls.__module__.startswith(app):
                    continue
                dated = [
                    field
                    for field in cls.base_fields.values()
                    if isinstance(field, (forms.DateField, forms.DateTimeField))
                ]
                if dated and not issubclass(cls, DateBoundsMixin):
                    unbounded.add(f"{cls.__module__}.{name}")
    assert sorted(unbounded) == []


# Text areas that are not narrative about a person: postal addresses, the district's published
# notice (which states the R-15 policy itself), quotations of an agreement, and the one-line
# reason typed inline on a delivery's page.
NOT_NARRATIVE = {
    "agreements.forms.ElementForm.excerpt",
    "agreements.forms.ProviderForm.address",
    "agreements.forms.ProviderForm.complaint_address",
    "complaints.forms.ComplaintForm.mailing_address",
    "notices.forms.NoticeTranslationForm.complaints_text",
    "notices.forms.NoticeTranslationForm.contacts_text",
    "notices.forms.NoticeTranslationForm.interventions_text",
    "notices.forms.NoticeTranslationForm.limits_text",
    "notices.forms.NoticeTranslationForm.role_text",
    "notices.forms.NoticeTranslationForm.staff_text",
    "notices.forms.WithdrawForm.reason",
    "srp.forms.DistrictSettingsForm.address",
    "srp.forms.SchoolForm.address",
}


def test_every_narrative_text_area_carries_the_r15_warning():
    """Item 8 of issue #11, kept for forms to come: a text area of ours is checked by
    srp.sensitive (or is listed above as not narrative)."""
    import importlib
    import inspect

    from django import forms

    from srp.sensitive import SensitiveTextMixin

    unchecked = set()
    for app in PROJECT_FORM_APPS:
        for module_name in ("forms", "views", "public_views"):
            try:
                module = importlib.import_module(f"{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, forms.BaseForm) or not cls.__module__.startswith(app):
                    continue
                checked = getattr(cls, "sensitive_fields", ())
                if not issubclass(cls, SensitiveTextMixin):
                    checked = ()
                for field_name, form_field in cls.base_fields.items():
                    key = f"{cls.__module__}.{name}.{field_name}"
                    is_text_area = isinstance(form_field.widget, forms.Textarea)
                    if is_text_area and field_name not in checked and key not in NOT_NARRATIVE:
                        unchecked.add(key)
    assert sorted(unchecked) == []
