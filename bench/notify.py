"""Notification benchmark (`make bench-notify`), on PostgreSQL only.

Builds once, in the database practicum_notify_bench (reused while complete):
- 200,000 students; a new posting (nursing, cardiology, Cleveland OH, on-site internship,
  unpaid) fits 50,000 of them: 25,000 by stated interests and 25,000 by a saved search
  (1 in 16 of the first group also by a keyword search, counted once), while the other
  150,000 miss it on one rule each (state, discipline, alerts off, keyword, kind, paid
  only, no search at all);
- 100,000 postings with application deadlines spread over 120 days, 1,000,000 saved
  postings (10 per posting) and 50,000 applications (who applied is not reminded).

Then measures, honestly and the same way each run:
- fan-out: a new published posting; the time of posting_match_fanout until every
  notification is written (committed), and the number of SQL queries it ran. Emails
  are handed to the broker as tasks (an in-memory broker here), not sent inline;
- scan: the application-deadline scan over those postings and saved postings, from no
  reminders written (the previous run's reminders are deleted first).
The last line printed is `notify fanout_s=<s> fanout_queries=<n> scan_s=<s>`.
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/practicum_notify_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.pop("REDIS_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ.setdefault("LOG_LEVEL", "WARNING")

STUDENTS = 200_000
POSTINGS = 100_000
SAVED_PER_POSTING = 10
SEARCH_GROUPS = 8  # student i belongs to group i % 8 (see the module docstring)


def _ensure_database(url: str) -> None:
    import psycopg2
    from environ import Env

    config = Env.db_url_config(url)
    name = config["NAME"]
    admin = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


_ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Discipline, Program, Role, School, Site, Specialty, StudentProfile, User  # noqa: E402
from config.celery import app  # noqa: E402
from placements.models import (  # noqa: E402
    Application,
    Notification,
    NotificationKind,
    Posting,
    SavedPosting,
    SavedSearch,
)


def log(message: str) -> None:
    print(message, flush=True)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _complete() -> bool:
    return (
        User.objects.filter(email__startswith="bench-student-").count() == STUDENTS
        and Posting.objects.filter(title__startswith="Bench posting ").count() == POSTINGS
        and SavedPosting.objects.count() == POSTINGS * SAVED_PER_POSTING
    )


def _contiguous(queryset, expected: int) -> int:
    """The first id of rows that one INSERT ... SELECT wrote (checked contiguous)."""
    ids = queryset.order_by().values_list("pk", flat=True)
    low, high, count = min(ids), max(ids), len(ids)
    assert count == expected and high - low + 1 == count, "bench rows are not contiguous: drop the database"
    return low


def _generate() -> None:
    started = time.perf_counter()
    nursing, pharmacy, medicine = (Discipline.objects.get(slug=s) for s in ("nursing", "pharmacy", "medicine"))
    cardiology, oncology = Specialty.objects.get(slug="cardiology"), Specialty.objects.get(slug="oncology")
    school, _ = School.objects.get_or_create(
        slug="bench-college",
        defaults={"name": "Bench College of Health", "city": "Columbus", "state": "OH", "verified": True},
    )
    program, _ = Program.objects.get_or_create(school=school, name="Bench BSN", defaults={"discipline": nursing})
    site, _ = Site.objects.get_or_create(
        slug="bench-general",
        defaults={
            "name": "Bench General Hospital",
            "kind": Site.Kind.HOSPITAL,
            "city": "Cleveland",
            "state": "OH",
            "verified": True,
        },
    )
    with connection.cursor() as cursor:
        log(f"bench-notify: writing {STUDENTS:,} students ...")
        cursor.execute(
            f"""INSERT INTO {_table(User)} (password, last_login, is_superuser, first_name, last_name, is_staff,
                    is_active, date_joined, email, role, school_id, site_id)
                SELECT '!', NULL, false, 'Bench', 'Student ' || i, false, true, now(),
                       'bench-student-' || i || '@bench.example', %s, %s, NULL
                FROM generate_series(0, %s - 1) AS i ORDER BY i""",
            [Role.STUDENT, school.pk, STUDENTS],
        )
        first_student = _contiguous(User.objects.filter(email__startswith="bench-student-"), STUDENTS)
        # Profiles: group 0 fits by interests; the others miss on one rule each.
        cursor.execute(
            f"""INSERT INTO {_table(StudentProfile)} (user_id, program_id, graduation_year, discipline_id, city,
                    state, bio, skills, resume, resume_uploaded_at)
                SELECT %(first)s + i, %(program)s, 2027,
                       CASE i %% 8 WHEN 3 THEN %(pharmacy)s WHEN 7 THEN %(medicine)s ELSE %(nursing)s END,
                       '', CASE i %% 8 WHEN 2 THEN 'FL' ELSE 'OH' END, '', '', '', NULL
                FROM generate_series(0, %(n)s - 1) AS i""",
            {"first": first_student, "program": program.pk, "pharmacy": pharmacy.pk, "medicine": medicine.pk,
             "nursing": nursing.pk, "n": STUDENTS},
        )  # fmt: skip
        through = StudentProfile.specialties.through
        cursor.execute(
            f"""INSERT INTO {_table(through)} (studentprofile_id, specialty_id)
                SELECT %(first)s + i, CASE WHEN i %% 8 IN (0, 2, 3, 7) THEN %(cardiology)s ELSE %(oncology)s END
                FROM generate_series(0, %(n)s - 1) AS i WHERE i %% 8 <> 4""",
            {"first": first_student, "cardiology": cardiology.pk, "oncology": oncology.pk, "n": STUDENTS},
        )
        log("bench-notify: writing saved searches ...")
        # Group 1 fits by search; groups 2-6 have a search that misses; group 0 students
        # with i % 16 == 0 also have a keyword search that fits ("cardiac").
        cursor.execute(
            f"""INSERT INTO {_table(SavedSearch)} (student_id, name, query, keyword, discipline_id, kind, state,
                    city, work_mode, site_kind, paid_only, alerts, created_at)
                SELECT %(first)s + i, 'Bench search', '',
                       CASE WHEN i %% 8 = 4 THEN 'dialysis' WHEN i %% 8 = 0 THEN 'cardiac' ELSE '' END,
                       %(nursing)s,
                       CASE WHEN i %% 8 = 5 THEN 'externship' ELSE '' END,
                       CASE WHEN i %% 8 = 2 THEN 'FL' ELSE 'OH' END,
                       '', '', '',
                       i %% 8 = 6,
                       i %% 8 <> 3,
                       now()
                FROM generate_series(0, %(n)s - 1) AS i
                WHERE i %% 8 BETWEEN 1 AND 6 OR i %% 16 = 0""",
            {"first": first_student, "nursing": nursing.pk, "n": STUDENTS},
        )
        # Half of group 1's searches name cardiology (the posting has it), half name none.
        search_through = SavedSearch.specialties.through
        cursor.execute(
            f"""INSERT INTO {_table(search_through)} (savedsearch_id, specialty_id)
                SELECT s.id, %s FROM {_table(SavedSearch)} s
                WHERE s.student_id >= %s AND (s.student_id - %s) %% 16 = 1""",
            [cardiology.pk, first_student, first_student],
        )
        log(f"bench-notify: writing {POSTINGS:,} postings ...")
        cursor.execute(
            f"""INSERT INTO {_table(Posting)} (site_id, title, kind, discipline_id, description, duties,
                    learning_objectives, requirements, city, state, work_mode, start_date, end_date, hours_per_week,
                    slots, is_paid, stipend_amount, stipend_period, application_deadline, mentor_id, status,
                    close_reason, published_at, closed_at, created_by_id, created_at, updated_at, search_vector)
                SELECT %(site)s, 'Bench posting ' || i, 'internship',
                       CASE i %% 3 WHEN 0 THEN %(nursing)s WHEN 1 THEN %(pharmacy)s ELSE %(medicine)s END,
                       'A bench posting.', 'Work.', 'Learning.', '', 'Cleveland', 'OH', 'onsite',
                       d + 30, d + 90, 24, 2, false, NULL, '', d, NULL,
                       CASE WHEN d < current_date THEN 'closed' ELSE 'published' END,
                       '', now(), NULL, NULL, now(), now(), NULL
                FROM generate_series(0, %(n)s - 1) AS i,
                     LATERAL (SELECT current_date + (i %% 120) - 10 AS d) AS deadline
                ORDER BY i""",
            {"site": site.pk, "nursing": nursing.pk, "pharmacy": pharmacy.pk, "medicine": medicine.pk, "n": POSTINGS},
        )
        first_posting = _contiguous(Posting.objects.filter(title__startswith="Bench posting "), POSTINGS)
        log(f"bench-notify: writing {POSTINGS * SAVED_PER_POSTING:,} saved postings and applications ...")
        cursor.execute(
            f"""INSERT INTO {_table(SavedPosting)} (student_id, posting_id, created_at)
                SELECT %(fs)s + ((p * 37 + j * 20000) %% %(students)s), %(fp)s + p, now()
                FROM generate_series(0, %(postings)s - 1) AS p, generate_series(0, %(per)s - 1) AS j""",
            {
                "fs": first_student,
                "fp": first_posting,
                "students": STUDENTS,
                "postings": POSTINGS,
                "per": SAVED_PER_POSTING,
            },
        )
        cursor.execute(
            f"""INSERT INTO {_table(Application)} (posting_id, student_id, status, cover_letter, resume,
                    resume_name, offer_expires_at, decision_reason, submitted_at, status_changed_at)
                SELECT %(fp)s + p, %(fs)s + ((p * 37) %% %(students)s), 'submitted', 'Bench.', '', '', NULL, '',
                       now(), now()
                FROM generate_series(0, %(postings)s - 1, 2) AS p""",
            {"fs": first_student, "fp": first_posting, "students": STUDENTS, "postings": POSTINGS},
        )
        cursor.execute("ANALYZE")
    log(f"bench-notify: data set built in {time.perf_counter() - started:.1f} s")


def _vacuum() -> None:
    """Clear the dead rows the previous run's clean-up left (autovacuum would, later), so
    every run measures from the same state as the first."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {_table(Notification)}")


def _fanout() -> tuple[float, int, int]:
    from placements.services.notifications import posting_match_fanout
    from placements.services.search import posting_search_refresh

    site = Site.objects.get(slug="bench-general")
    # Last run's posting and its notifications go, so every run measures the same work.
    old = Posting.objects.filter(title="Bench fan-out: cardiac nursing internship")
    Notification.objects.filter(kind=NotificationKind.POSTING_MATCH, object_id__in=old.values("pk")).delete()
    old.delete()
    _vacuum()
    today = timezone.localdate()
    posting = Posting.objects.create(
        site=site,
        title="Bench fan-out: cardiac nursing internship",
        kind=Posting.Kind.INTERNSHIP,
        discipline=Discipline.objects.get(slug="nursing"),
        description="Cardiac step-down unit.",
        duties="Vitals, telemetry.",
        learning_objectives="Cardiac care.",
        city="Cleveland",
        state="OH",
        start_date=today + dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=120),
        hours_per_week=24,
        application_deadline=today + dt.timedelta(days=30),
        status=Posting.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    posting.specialties.set([Specialty.objects.get(slug="cardiology")])
    posting_search_refresh(posting_ids=[posting.pk])  # as posting_publish does before the fan-out
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        written = posting_match_fanout(posting_id=posting.pk)
        elapsed = time.perf_counter() - started
    stored = Notification.objects.filter(kind=NotificationKind.POSTING_MATCH, object_id=posting.pk).count()
    assert stored == written, (stored, written)
    return elapsed, len(queries), written


def _scan() -> tuple[float, int, float]:
    from placements.services.notifications import application_deadline_scan

    Notification.objects.filter(kind=NotificationKind.APPLICATION_DEADLINE).delete()
    _vacuum()
    started = time.perf_counter()
    written = application_deadline_scan()
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = application_deadline_scan()
    second = time.perf_counter() - started
    assert again == 0
    return elapsed, written, second


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench-notify needs PostgreSQL (DATABASE_URL)")
    # Tasks go to a broker (in memory here) instead of running in this process: the
    # benchmark measures the fan-out writing notifications, not the emails being sent.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    if not _complete():
        log("bench-notify: no complete data set, building it (once) ...")
        with connection.cursor() as cursor:
            for model in (Notification, Application, SavedPosting, SavedSearch.specialties.through, SavedSearch):
                cursor.execute(f"DELETE FROM {_table(model)}")
            cursor.execute(
                f"DELETE FROM {_table(Posting.specialties.through)} WHERE posting_id IN (SELECT id FROM {_table(Posting)} WHERE title LIKE 'Bench%%')"
            )
            cursor.execute(f"DELETE FROM {_table(Posting)} WHERE title LIKE 'Bench%%'")
            cursor.execute(
                f"DELETE FROM {_table(StudentProfile.specialties.through)} WHERE studentprofile_id IN (SELECT id FROM {_table(User)} WHERE email LIKE 'bench-student-%%')"
            )
            cursor.execute(
                f"DELETE FROM {_table(StudentProfile)} WHERE user_id IN (SELECT id FROM {_table(User)} WHERE email LIKE 'bench-student-%%')"
            )
            cursor.execute(f"DELETE FROM {_table(User)} WHERE email LIKE 'bench-student-%%'")
        _generate()
    else:
        log("bench-notify: reusing the data set in the database")
    students = User.objects.filter(role=Role.STUDENT).count()
    postings = Posting.objects.count()
    saved = SavedPosting.objects.count()
    log(f"bench-notify: {students:,} students, {postings:,} postings, {saved:,} saved postings")

    fanout_s, fanout_queries, written = _fanout()
    log(f"bench-notify: fan-out wrote {written:,} notifications in {fanout_s:.2f} s with {fanout_queries} queries")
    scan_s, reminders, second_s = _scan()
    log(
        f"bench-notify: deadline scan wrote {reminders:,} reminders in {scan_s:.2f} s (a second run: 0 in {second_s:.2f} s)"
    )
    print(f"notify fanout_s={fanout_s:.2f} fanout_queries={fanout_queries} scan_s={scan_s:.2f}", flush=True)


if __name__ == "__main__":
    main()
