"""Build the benchmark's target list: URLs, session cookies, and each page's query count.

Run inside the harness (`bench/run.sh`) after seeding. Sessions are made the way
`Client.force_login` makes them (the session store, no password), so the load generator can
send the cookie with every request. Writes `bench/results/targets.json`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import django

RESULTS = Path(__file__).resolve().parent / "results"


def session_cookie(user: Any) -> str:
    """A signed-in session for `user`, as `login()` would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def build_targets(state: dict[str, Any]) -> list[dict[str, Any]]:
    from django.urls import reverse
    from django.utils import timezone

    from srp.models import District, SchoolYear, User

    district = District.objects.get(code=state["district_code"])
    admin = User.objects.get(pk=state["users"]["admin"])
    cookie = session_cookie(admin)
    today = timezone.localdate()
    years = list(SchoolYear.objects.filter(district=district).order_by("starts_on"))
    finished = [year for year in years if year.ends_on < today]
    report_year = (finished or years)[-1]
    complaint_id = state["complaint_ids"][0]
    token = state["status_tokens"][0]
    calls_url = reverse("incidents:call_list") + (
        f"?reason=fight&date_from={report_year.starts_on}&date_to={report_year.ends_on}&page=3"
    )
    return [
        {"name": "floor", "kind": "floor", "path": reverse("benchmark_floor"), "cookie": ""},
        {"name": "dashboard", "kind": "dashboard", "path": reverse("srp:dashboard"),
         "cookie": cookie},
        {"name": "calls list (filtered, page 3)", "kind": "list", "path": calls_url,
         "cookie": cookie},
        {"name": "complaint detail", "kind": "detail",
         "path": reverse("complaints:detail", args=[complaint_id]), "cookie": cookie},
        {"name": f"annual report {report_year.label}", "kind": "report",
         "path": reverse("reports:detail", args=[report_year.label]), "cookie": cookie},
        {"name": "public complaint form (GET)", "kind": "public",
         "path": reverse("complaints_public:intake", kwargs={"district_code": district.code}),
         "cookie": ""},
        {"name": "public status page", "kind": "public",
         "path": reverse(
             "complaints_public:status",
             kwargs={"district_code": district.code, "token": token},
         ),
         "cookie": ""},
    ]  # fmt: skip


def count_queries(targets: list[dict[str, Any]]) -> None:
    """Each page's status and number of SQL queries, through the Django test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for target in targets:
        client = Client(HTTP_HOST="127.0.0.1")
        if target["cookie"]:
            name, value = target["cookie"].split("=", 1)
            client.cookies[name] = value
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target["path"])
        target["status"] = response.status_code
        target["queries"] = len(queries)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    django.setup()
    code = sys.argv[1] if len(sys.argv) > 1 else "99100"
    state = json.loads((RESULTS / f"seed-{code}.json").read_text())
    targets = build_targets(state)
    count_queries(targets)
    (RESULTS / "targets.json").write_text(json.dumps(targets, indent=2))
    for target in targets:
        print(f"{target['status']} {target['queries']:>3} queries  {target['name']}")
    bad = [t for t in targets if t["status"] != 200]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
