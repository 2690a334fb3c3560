"""Public complaint submission under load, as browsers do it: GET the form, wait, POST it.

    .venv/bin/python -m bench.submit_load --base http://127.0.0.1:8765 --district 99100 -n 1000

Each submission is its own browser: it GETs the intake form (which sets the CSRF cookie and
carries a signed form token), and POSTs the filled form back with that cookie and token. The
form refuses anything sent within COMPLAINTS_MIN_FILL_SECONDS (5 s) of the GET, so the client
runs in two phases: every GET (8 at a time), a pause of that many seconds, then every POST (8 at
a time). Throughput is submissions / (GET phase + POST phase): the server's cost of one
submission, which is what a crowd of people filling the form in parallel would sustain.

Afterwards (with Django set up on the same database) it checks that the district gained exactly
as many complaints as POSTs succeeded, and that each one's acknowledgement email is queued.
Only 127.0.0.1 is allowed as a target; the count and the time are both bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')
SCHOOL_OPTION = re.compile(r'<select name="school"[^>]*>.*?<option value="(\d+)"', re.S)


@dataclass
class Browser:
    number: int
    cookie: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    school: str = ""
    ok: bool = False
    email: str = ""


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        lat = sorted(self.latencies) or [0.0]
        return {
            "count": len(self.latencies),
            "failures": self.failures,
            "seconds": round(self.seconds, 3),
            "p50_ms": round(statistics.median(lat) * 1000, 2),
            "p95_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000, 2),
        }


def _connection(base: urllib.parse.SplitResult) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)


def _run(workers: int, items: list[Browser], job, deadline: float) -> float:  # noqa: ANN001
    started = time.perf_counter()
    lock = threading.Lock()
    queue = list(reversed(items))

    def worker() -> None:
        state: dict[str, http.client.HTTPConnection] = {}
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            job(state, item)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def run_load(
    *, base_url: str, district: str, count: int, workers: int, wait: float, max_seconds: float
) -> dict[str, object]:
    base = urllib.parse.urlsplit(base_url)
    if base.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("The load client only targets 127.0.0.1.")
    path = f"/p/{district}/complaints/new/"
    run_id = f"{int(time.time())}"
    browsers = [Browser(number=n, email=f"bench-{run_id}-{n}@example.org") for n in range(count)]
    get_phase, post_phase = Phase(), Phase()
    post_statuses: dict[int, int] = {}
    lock = threading.Lock()

    def request(state, method, body=None, headers=None):  # noqa: ANN001, ANN202
        for attempt in range(2):
            conn = state.get("c") or _connection(base)
            state["c"] = conn
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                return response, response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                state.pop("c", None)
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def get_form(state, browser: Browser) -> None:  # noqa: ANN001
        started = time.perf_counter()
        response, body = request(state, "GET", headers={"Host": base.netloc})
        elapsed = time.perf_counter() - started
        text = body.decode("utf-8", "replace")
        cookies = response.headers.get_all("Set-Cookie") or []
        csrf = [c.split(";", 1)[0] for c in cookies if c.startswith("csrftoken=")]
        browser.fields = dict(HIDDEN.findall(text))
        school = SCHOOL_OPTION.search(text)
        ok = response.status == 200 and csrf and len(browser.fields) == 2 and school
        with lock:
            get_phase.latencies.append(elapsed)
            if not ok:
                get_phase.failures += 1
        if ok:
            browser.cookie = csrf[0]
            browser.school = school.group(1)

    def post_form(state, browser: Browser) -> None:  # noqa: ANN001
        if not browser.cookie:
            return
        form = {
            **browser.fields,
            "school": browser.school,
            "staff_member": "",
            "occurred_on": time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400 * 3)),
            "occurred_time": "",
            "location": "Front entrance",
            "description": "My child was questioned in the hallway without a reason. "
            "Nobody told us why.",
            "requested_outcome": "An explanation.",
            "relationship": "parent",
            "contact_name": f"Bench Parent {browser.number}",
            "contact_preference": "email",
            "email": browser.email,
            "phone": "",
            "mailing_address": "",
            "language": "en",
            "website": "",
        }
        body = urllib.parse.urlencode(form)
        headers = {
            "Host": base.netloc,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": browser.cookie,
            "Referer": f"{base_url}{path}",
            "Origin": base_url,
        }
        started = time.perf_counter()
        response, _body = request(state, "POST", body=body, headers=headers)
        elapsed = time.perf_counter() - started
        ok = response.status == 302 and "/sent/" in (response.headers.get("Location") or "")
        with lock:
            post_phase.latencies.append(elapsed)
            if ok:
                browser.ok = True
            else:
                post_phase.failures += 1
                post_statuses[response.status] = post_statuses.get(response.status, 0) + 1

    t0 = time.time()
    deadline = time.perf_counter() + max_seconds
    get_phase.seconds = _run(workers, browsers, get_form, deadline)
    time.sleep(wait)
    deadline = time.perf_counter() + max_seconds
    post_phase.seconds = _run(workers, browsers, post_form, deadline)
    succeeded = [b for b in browsers if b.ok]
    busy = get_phase.seconds + post_phase.seconds
    return {
        "run_id": run_id,
        "started_at": t0,
        "attempted": count,
        "succeeded": len(succeeded),
        "get": get_phase.summary(),
        "post": post_phase.summary(),
        "submissions_per_second": round(len(succeeded) / busy, 1) if busy else 0.0,
        "failed_post_statuses": post_statuses,
        "emails": [b.email for b in succeeded],
    }


def check_database(*, district: str, emails: list[str], run_id: str) -> dict[str, object]:
    """Every successful POST is one complaint in the database, with its email queued."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    import django

    django.setup()
    from complaints.models import Complaint
    from srp.models import OutboundEmail

    created = set(
        Complaint.objects.filter(
            district__code=district, email__startswith=f"bench-{run_id}-"
        ).values_list("email", flat=True)
    )
    queued: set[str] = set()
    for to in (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, body__isnull=False)
        .values_list("to", flat=True)
        .iterator()
    ):
        queued.update(address for address in to if address.startswith(f"bench-{run_id}-"))
    wanted = set(emails)
    return {
        "complaints_created": len(created),
        "complaints_expected": len(wanted),
        "missing_complaints": len(wanted - created),
        "emails_queued": len(queued & wanted),
        "missing_emails": len(wanted - queued),
        "ok": created == wanted and wanted <= queued,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Public complaint submissions under load.")
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--district", default="99100")
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("-c", "--workers", type=int, default=8)
    parser.add_argument("--wait", type=float, default=5.5, help="fill time between GET and POST")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per phase")
    parser.add_argument("--output")
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args(argv)
    result = run_load(
        base_url=args.base,
        district=args.district,
        count=min(args.count, 20_000),
        workers=args.workers,
        wait=args.wait,
        max_seconds=min(args.max_seconds, 300),
    )
    if not args.no_check:
        result["check"] = check_database(
            district=args.district, emails=result["emails"], run_id=result["run_id"]
        )
    emails = result.pop("emails")
    result["emails_count"] = len(emails)
    text = json.dumps(result, indent=2)
    if args.output:
        with open(args.output, "w") as handle:
            handle.write(text)
    print(text)
    check = result.get("check")
    return 0 if (check is None or check["ok"]) and result["succeeded"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
