"""The search benchmark (`make bench-search`).

1. Creates the PostgreSQL database named by DATABASE_URL if needed, migrates it, and builds
   (or reuses) the data set of bench/data.py: 100,000 postings at 5,000 sites.
2. Serves the project with gunicorn (2 sync workers, production settings over plain HTTP,
   bench/settings.py) on 127.0.0.1.
3. For each case (the default listing, each single filter, three combined filters, keyword
   searches, the other sorts, a signed-in student), sends sequential requests and collects
   the server time and SQL query count the timing middleware reports, plus the client's
   round trip.
4. Measures throughput of the listing page and of a minimal Django view under the same
   concurrent load (wrk when installed, else a threaded Python client).

Ends with one line: search p95_ms=<worst case> queries=<most per page> throughput_ratio=<x>.
"""

import datetime as dt
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/practicum_bench"
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8199"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WARMUP = 10
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
LOAD_CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "8"))
TARGET_P95_MS = 50


def _setup_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # One key for the whole run: both gunicorn workers must accept the same session.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    # Persistent database connections, as a production deployment configures them.
    os.environ.setdefault("CONN_MAX_AGE", "60")


def _ensure_database() -> None:
    import psycopg2

    url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        sys.exit("bench-search needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    admin.close()


def _prepare():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench.data import ensure_dataset, vacuum

    ensure_dataset()
    vacuum()


# --- the cases -------------------------------------------------------------------------------
def _cases() -> list[tuple[str, str]]:
    """(name, path) for every measured page; values picked from the data so each filter
    selects a realistic slice, never a rare or empty one."""
    from django.db.models import Count
    from django.utils import timezone

    from placements.models import Posting
    from placements.selectors.postings import open_postings

    today = timezone.localdate()
    open_ = open_postings()
    top_city = open_.values("city", "state").annotate(n=Count("id")).order_by("-n").first()
    window_from = today + dt.timedelta(days=30)
    window_to = today + dt.timedelta(days=90)
    q = urllib.parse.urlencode
    cases = [
        ("default listing", "/postings/"),
        ("discipline", "/postings/?" + q({"discipline": "nursing"})),
        ("specialty", "/postings/?" + q({"specialty": "cardiology"})),
        ("two specialties", "/postings/?" + q([("specialty", "oncology"), ("specialty", "critical-care")])),
        ("kind", "/postings/?" + q({"kind": Posting.Kind.EXTERNSHIP})),
        ("state", "/postings/?" + q({"state": top_city["state"]})),
        ("city", "/postings/?" + q({"city": top_city["city"]})),
        ("site kind", "/postings/?" + q({"site_kind": "clinic"})),
        ("start date range", "/postings/?" + q({"start_from": window_from.isoformat(), "start_to": window_to.isoformat()})),
        ("duration", "/postings/?" + q({"duration": "1to3m"})),
        ("hours per week", "/postings/?" + q({"hours_min": 20, "hours_max": 32})),
        ("paid only", "/postings/?" + q({"paid": "on"})),
        ("hybrid", "/postings/?" + q({"mode": "hybrid"})),
        ("include closed", "/postings/?" + q({"include_closed": "on"})),
        ("combined: discipline+specialty+state", "/postings/?" + q({"discipline": "nursing", "specialty": "cardiology", "state": top_city["state"]})),
        ("combined: kind+paid+duration", "/postings/?" + q({"kind": "internship", "paid": "on", "duration": "1to3m"})),
        ("combined: site kind+hours+start", "/postings/?" + q({"site_kind": "hospital", "hours_min": 24, "start_from": window_from.isoformat()})),
        ("keyword 'cardiac'", "/postings/?" + q({"q": "cardiac"})),
        ("keyword 'patient education' (broad)", "/postings/?" + q({"q": "patient education"})),
        ("keyword + discipline", "/postings/?" + q({"q": "emergency", "discipline": "nursing"})),
        ("sort: start date", "/postings/?" + q({"sort": "start"})),
        ("sort: newest", "/postings/?" + q({"sort": "newest"})),
        ("page 10", "/postings/?" + q({"page": 10})),
        ("default, 100 per page", "/postings/?" + q({"per_page": 100})),
        ("combined, 100 per page", "/postings/?" + q({"discipline": "nursing", "specialty": "cardiology", "state": top_city["state"], "per_page": 100})),
        ("htmx partial", "/postings/?" + q({"discipline": "medicine"})),
    ]  # fmt: skip
    return cases


def _student_cookie() -> str:
    """A session cookie of one generated student, for the signed-in case."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    student = User.objects.filter(role="student").order_by("id").first()
    session = SessionStore()
    session[SESSION_KEY] = str(student.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = student.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# --- the server ------------------------------------------------------------------------------
def _start_server() -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [
        str(gunicorn if gunicorn.exists() else "gunicorn"),
        "config.wsgi:application",
        "--workers=2",
        f"--bind={HOST}:{PORT}",
        "--log-level=warning",
        "--timeout=60",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = _get("/bench/minimal/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    _stop_server(server)
    sys.exit("gunicorn did not start")


def _stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def _get(path: str, headers: dict | None = None):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _measure(name: str, path: str, headers: dict | None = None) -> dict:
    server_ms, client_ms, queries = [], [], []
    body = b""
    for i in range(WARMUP + REQUESTS):
        started = time.perf_counter()
        status, response_headers, body = _get(path, headers)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            sys.exit(f"{name}: {path} answered {status}")
        if i >= WARMUP:
            server_ms.append(float(response_headers["X-Bench-Ms"]))
            client_ms.append(elapsed)
            queries.append(int(response_headers["X-Bench-Queries"]))
    count = re.search(rb'id="result-count"[^>]*>(.*?)</', body, re.S)
    results = re.sub(rb"<[^>]+>", b"", count.group(1)).decode().strip() if count else ""
    return {
        "name": name,
        "path": path,
        "median": statistics.median(server_ms),
        "p95": _percentile(server_ms, 95),
        "client_p95": _percentile(client_ms, 95),
        # The steady-state count: a worker's first request after start-up may add the
        # connection's set-up statements.
        "queries": statistics.mode(queries),
        "query_counts": sorted(set(queries)),
        "results": results,
    }


# --- load ------------------------------------------------------------------------------------
def _throughput(path: str) -> tuple[float, str]:
    """Requests per second at LOAD_CONNECTIONS concurrent connections for LOAD_SECONDS."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run(
            [wrk, "-t2", f"-c{LOAD_CONNECTIONS}", f"-d{LOAD_SECONDS}s", f"http://{HOST}:{PORT}{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if errors:
            sys.exit(f"load on {path}: {errors.group(1)} error responses")
        return rate, "wrk"
    done = []
    failures = []
    stop_at = time.monotonic() + LOAD_SECONDS

    def worker():
        n = 0
        while time.monotonic() < stop_at:
            status, _h, _b = _get(path)
            if status != 200:
                failures.append(status)
            n += 1
        done.append(n)

    threads = [threading.Thread(target=worker) for _ in range(LOAD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"load on {path}: {len(failures)} error responses")
    return sum(done) / LOAD_SECONDS, "python threads"


def main() -> None:
    _setup_environment()
    _ensure_database()
    _prepare()
    cases = _cases()
    cookie = _student_cookie()
    server = _start_server()
    try:
        results = []
        for name, path in cases:
            headers = {"HX-Request": "true"} if name == "htmx partial" else None
            results.append(_measure(name, path, headers))
        results.append(_measure("signed-in student, default listing", "/postings/", {"Cookie": cookie}))
        results.append(_measure("minimal view (yardstick)", "/bench/minimal/"))
        listing_rate, tool = _throughput("/postings/")
        minimal_rate, _tool = _throughput("/bench/minimal/")
    finally:
        _stop_server(server)

    load = os.getloadavg()
    pages = [r for r in results if r["path"] != "/bench/minimal/"]
    width = max(len(r["name"]) for r in results)
    print()
    print(f"{'case':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'client p95':>10}  {'queries':>7}  results")
    for r in results:
        flag = "" if r["p95"] < TARGET_P95_MS else "  <-- over target"
        print(
            f"{r['name']:<{width}}  {r['median']:>9.1f}  {r['p95']:>7.1f}  {r['client_p95']:>10.1f}  "
            f"{r['queries']:>7}  {r['results']}{flag}"
        )
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(
        f"throughput ({tool}, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s, gunicorn 2 workers): "
        f"listing {listing_rate:.0f} req/s, minimal view {minimal_rate:.0f} req/s"
    )
    worst = max(r["p95"] for r in pages)
    most_queries = max(r["queries"] for r in pages)
    ratio = listing_rate / minimal_rate if minimal_rate else 0.0
    print(f"search p95_ms={worst:.1f} queries={most_queries} throughput_ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
