"""Generates the benchmark's data set on PostgreSQL with COPY: 5,000 sites, 100,000
postings with specialties, 200 schools with their programs, 20,000 students and 150,000
applications, then the keyword index and fresh planner statistics.

Deterministic (a fixed seed), and reused when the database already holds a data set of
the same size and version (recorded in the table bench_dataset).
"""

import datetime as dt
import io
import random
import time

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Discipline, Program, Role, School, Site, Specialty, StudentProfile, User
from placements.models import HOLDS_SEAT, Application, Posting
from placements.services.search import posting_search_refresh_for_sites

VERSION = 3
SITES = 5_000
POSTINGS = 100_000
SCHOOLS = 200
STUDENTS = 20_000
APPLICATIONS = 150_000
SEED = 20260401

CITIES = [
    ("New York", "NY"), ("Buffalo", "NY"), ("Rochester", "NY"), ("Los Angeles", "CA"), ("San Diego", "CA"),
    ("San Francisco", "CA"), ("Sacramento", "CA"), ("Fresno", "CA"), ("Chicago", "IL"), ("Springfield", "IL"),
    ("Houston", "TX"), ("Dallas", "TX"), ("Austin", "TX"), ("San Antonio", "TX"), ("El Paso", "TX"),
    ("Phoenix", "AZ"), ("Tucson", "AZ"), ("Philadelphia", "PA"), ("Pittsburgh", "PA"), ("Columbus", "OH"),
    ("Cleveland", "OH"), ("Cincinnati", "OH"), ("Indianapolis", "IN"), ("Detroit", "MI"), ("Grand Rapids", "MI"),
    ("Seattle", "WA"), ("Spokane", "WA"), ("Portland", "OR"), ("Denver", "CO"), ("Boston", "MA"),
    ("Worcester", "MA"), ("Nashville", "TN"), ("Memphis", "TN"), ("Baltimore", "MD"), ("Milwaukee", "WI"),
    ("Madison", "WI"), ("Albuquerque", "NM"), ("Atlanta", "GA"), ("Savannah", "GA"), ("Miami", "FL"),
    ("Tampa", "FL"), ("Orlando", "FL"), ("Jacksonville", "FL"), ("Charlotte", "NC"), ("Raleigh", "NC"),
    ("Minneapolis", "MN"), ("Saint Paul", "MN"), ("Kansas City", "MO"), ("St. Louis", "MO"), ("Omaha", "NE"),
    ("Louisville", "KY"), ("Lexington", "KY"), ("Richmond", "VA"), ("Norfolk", "VA"), ("New Orleans", "LA"),
    ("Baton Rouge", "LA"), ("Salt Lake City", "UT"), ("Las Vegas", "NV"), ("Reno", "NV"), ("Birmingham", "AL"),
    ("Little Rock", "AR"), ("Des Moines", "IA"), ("Wichita", "KS"), ("Oklahoma City", "OK"), ("Tulsa", "OK"),
    ("Hartford", "CT"), ("Providence", "RI"), ("Newark", "NJ"), ("Burlington", "VT"), ("Portland", "ME"),
    ("Manchester", "NH"), ("Charleston", "SC"), ("Columbia", "SC"), ("Boise", "ID"), ("Billings", "MT"),
    ("Fargo", "ND"), ("Sioux Falls", "SD"), ("Cheyenne", "WY"), ("Anchorage", "AK"), ("Honolulu", "HI"),
    ("Jackson", "MS"), ("Charleston", "WV"), ("Wilmington", "DE"), ("Washington", "DC"), ("San Juan", "PR"),
]  # fmt: skip
SITE_WORDS = [
    "Mercy", "St. Luke's", "Riverside", "Lakeview", "Summit", "Valley", "Northside", "Good Samaritan",
    "Providence", "Sacred Heart", "Baptist", "Memorial", "University", "Children's", "Community", "Unity",
    "Harbor", "Pinecrest", "Cedar", "Oak Ridge", "Bayview", "Hillcrest", "Meadowbrook", "Sunrise", "Parkside",
]  # fmt: skip
SITE_KIND_WORDS = {
    Site.Kind.HOSPITAL: ["Hospital", "Medical Center", "General Hospital", "Regional Medical Center"],
    Site.Kind.CLINIC: ["Clinic", "Health Center", "Family Clinic", "Urgent Care"],
    Site.Kind.PHARMACY: ["Pharmacy", "Community Pharmacy", "Apothecary"],
    Site.Kind.REHAB: ["Rehabilitation Centre", "Rehab Institute", "Physical Therapy"],
    Site.Kind.LAB: ["Laboratories", "Diagnostic Lab", "Pathology Services"],
    Site.Kind.PRACTICE: ["Family Practice", "Medical Group", "Associates"],
}
SITE_KIND_WEIGHTS = {
    Site.Kind.HOSPITAL: 35, Site.Kind.CLINIC: 30, Site.Kind.PHARMACY: 10,
    Site.Kind.REHAB: 10, Site.Kind.LAB: 5, Site.Kind.PRACTICE: 10,
}  # fmt: skip
# Words people search for, by specialty slug (the specialty's name is always in the index).
SPECIALTY_WORDS = {
    "cardiology": ["cardiac", "heart", "telemetry", "cath lab"],
    "paediatrics": ["paediatric", "pediatric", "children", "NICU"],
    "emergency-medicine": ["emergency", "trauma", "triage", "ED"],
    "oncology": ["cancer", "chemotherapy", "infusion", "tumour board"],
    "critical-care": ["ICU", "ventilator", "critical care"],
    "geriatrics": ["older adults", "dementia", "long-term care"],
    "surgery": ["operating room", "perioperative", "surgical"],
    "neurology": ["stroke", "neuro", "brain injury"],
    "orthopaedics": ["orthopaedic", "joint replacement", "fracture"],
    "psychiatry-and-mental-health": ["mental health", "behavioural", "psychiatric"],
    "wound-care": ["wound", "pressure injury", "dressing"],
}
SENTENCES = [
    "You will work alongside experienced clinicians on a busy unit.",
    "Students rotate through day and evening shifts with a named preceptor.",
    "The placement includes a weekly teaching session and case review.",
    "Our team values clear communication and patient-centred care.",
    "You will take part in interdisciplinary rounds and handovers.",
    "Expect hands-on practice under supervision from the first week.",
    "We welcome students who are curious and ready to ask questions.",
    "The site is accessible by public transport and offers parking.",
    "Documentation is in an electronic health record; training is provided.",
    "A final evaluation is completed with your school coordinator.",
    "You will assist with patient education and discharge planning.",
    "Quality improvement projects are part of the learning plan.",
    "Simulation lab time is scheduled during the first two weeks.",
    "You will observe procedures and practise core skills.",
]
DUTIES = [
    "Take vital signs and report changes to the nurse in charge.",
    "Assist with admissions, transfers and discharges.",
    "Prepare and check medications under supervision.",
    "Shadow the team on rounds and present one patient a week.",
    "Support patient education and family meetings.",
    "Help with scheduling, intake and records.",
]
LEARNING = [
    "Clinical reasoning in a real setting.",
    "Safe medication practice and documentation.",
    "Working in an interdisciplinary team.",
    "Communication with patients and families.",
    "The daily flow of a healthcare organisation.",
]
FIRST = ["Sam", "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew", "Parker"]
LAST = ["Lee", "Garcia", "Smith", "Nguyen", "Patel", "Johnson", "Brown", "Davis", "Martinez", "Kim", "Lopez", "Clark"]


# --- COPY ----------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(model_or_table, rows: list[dict], *, columns: list[str] | None = None) -> None:
    """COPY rows into a model's table. Columns the rows leave out take the field's
    Python default (so a column added later by a migration does not break the bench)."""
    if isinstance(model_or_table, str):
        table, fields = model_or_table, None
    else:
        table = model_or_table._meta.db_table
        fields = list(model_or_table._meta.concrete_fields)
    if fields is not None:
        now = timezone.now()
        defaults = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.column] = now
            elif f.has_default():
                defaults[f.column] = f.get_default()
            elif f.null:
                defaults[f.column] = None
            elif f.get_internal_type() in (
                "CharField",
                "TextField",
                "SlugField",
                "EmailField",
                "URLField",
                "FileField",
            ):
                defaults[f.column] = ""
        columns = [f.column for f in fields]
        missing = [c for c in columns if c not in rows[0] and c not in defaults] if rows else []
        if missing:
            raise RuntimeError(f"{table}: no value or default for {missing}")
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row[c] if c in row else defaults[c]) for c in columns))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


# --- the data set ----------------------------------------------------------------------
def _current() -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (version int, postings int, built_at timestamptz)")
        cursor.execute("SELECT version, postings FROM bench_dataset LIMIT 1")
        row = cursor.fetchone()
    return row


def ensure_dataset(*, log=print) -> bool:
    """Build the data set unless the same one is already there. Returns True if built."""
    current = _current()
    if current == (VERSION, POSTINGS) and Posting.objects.count() == POSTINGS:
        log(f"data set: reusing {POSTINGS:,} postings at {Site.objects.count():,} sites")
        return False
    started = time.monotonic()
    log("data set: generating (a minute or two)…")
    _truncate()
    _generate(log=log)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, %s, now())", [VERSION, POSTINGS])
    log(f"data set: built in {time.monotonic() - started:.0f} s")
    return True


def vacuum() -> None:
    """Fresh statistics and visibility map (autovacuum's job in production; after a bulk
    load it has not run yet, and index-only scans need the visibility map)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _truncate() -> None:
    tables = [
        Application._meta.db_table,
        Posting.specialties.through._meta.db_table,
        Posting._meta.db_table,
        StudentProfile._meta.db_table,
        Site.specialties.through._meta.db_table,
    ]
    with connection.cursor() as cursor:
        # CASCADE empties whatever refers to these (events, saved items, notifications…).
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute(f"TRUNCATE {User._meta.db_table}, {Site._meta.db_table}, {School._meta.db_table} CASCADE")


def _generate(*, log) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    disciplines = list(Discipline.objects.order_by("id"))
    specialties = list(Specialty.objects.order_by("id"))
    by_discipline = {d.pk: [] for d in disciplines}
    for s in Specialty.objects.prefetch_related("disciplines"):
        for d in s.disciplines.all():
            by_discipline[d.pk].append(s)
    # Nursing and medicine dominate a real marketplace.
    discipline_weights = [30 if d.slug == "nursing" else 12 if d.slug == "medicine" else 4 for d in disciplines]

    # Schools and programs.
    schools, programs = [], []
    for i in range(1, SCHOOLS + 1):
        city, state = rng.choice(CITIES)
        name = f"{city} College of Health Sciences {i}"
        schools.append({"id": i, "name": name, "slug": slugify(name), "city": city, "state": state, "verified": True})
    program_id = 0
    for school in schools:
        for d in rng.sample(disciplines, 3):
            program_id += 1
            programs.append(
                {"id": program_id, "school_id": school["id"], "name": f"{d.name} program", "discipline_id": d.pk}
            )
    _copy(School, schools)
    _copy(Program, programs)

    # Sites with their specialties.
    kinds = list(SITE_KIND_WEIGHTS)
    kind_weights = list(SITE_KIND_WEIGHTS.values())
    sites, site_specialties = [], []
    for i in range(1, SITES + 1):
        kind = rng.choices(kinds, kind_weights)[0]
        city, state = rng.choice(CITIES)
        name = f"{rng.choice(SITE_WORDS)} {city} {rng.choice(SITE_KIND_WORDS[kind])} {i}"
        sites.append(
            {
                "id": i, "name": name, "slug": slugify(name), "kind": kind, "city": city, "state": state,
                "address": f"{rng.randint(1, 9999)} Main Street", "postal_code": f"{rng.randint(10000, 99999)}",
                "description": " ".join(rng.sample(SENTENCES, 3)), "verified": True,
            }
        )  # fmt: skip
        for s in rng.sample(specialties, 4):
            site_specialties.append({"site_id": i, "specialty_id": s.pk})
    _copy(Site, sites)
    _copy(Site.specialties.through._meta.db_table, site_specialties, columns=["site_id", "specialty_id"])
    log(f"  {len(schools)} schools, {len(sites):,} sites")

    # People: a staff member per site and the students.
    password = make_password("bench-password")
    users, student_profiles = [], []
    user_id = 0
    for site in sites:
        user_id += 1
        users.append(
            {
                "id": user_id, "password": password, "email": f"staff{site['id']}@bench.example",
                "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST), "role": Role.SITE_STAFF,
                "site_id": site["id"], "school_id": None, "is_active": True, "is_staff": False,
                "is_superuser": False, "date_joined": now,
            }
        )  # fmt: skip
    first_student = user_id + 1
    programs_by_school = {}
    for p in programs:
        programs_by_school.setdefault(p["school_id"], []).append(p)
    for i in range(STUDENTS):
        user_id += 1
        school = rng.choice(schools)
        program = rng.choice(programs_by_school[school["id"]])
        users.append(
            {
                "id": user_id, "password": password, "email": f"student{i}@bench.example",
                "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST), "role": Role.STUDENT,
                "site_id": None, "school_id": school["id"], "is_active": True, "is_staff": False,
                "is_superuser": False, "date_joined": now,
            }
        )  # fmt: skip
        student_profiles.append(
            {
                "user_id": user_id, "program_id": program["id"], "discipline_id": program["discipline_id"],
                "graduation_year": rng.choice([2026, 2027, 2028]), "state": school["state"],
            }
        )  # fmt: skip
    _copy(User, users)
    _copy(StudentProfile, student_profiles)
    student_ids = list(range(first_student, user_id + 1))
    log(f"  {len(users):,} users ({STUDENTS:,} students)")

    # Postings.
    statuses = [Posting.Status.PUBLISHED] * 70 + [Posting.Status.CLOSED] * 15 + [Posting.Status.DRAFT] * 10
    statuses += [Posting.Status.ARCHIVED] * 5
    postings, posting_specialties = [], []
    for i in range(1, POSTINGS + 1):
        site = sites[rng.randrange(SITES)]
        discipline = rng.choices(disciplines, discipline_weights)[0]
        pool = by_discipline[discipline.pk] or specialties
        chosen = rng.sample(pool, min(len(pool), rng.choice([1, 1, 2, 2, 3])))
        main = chosen[0]
        kind = rng.choice([Posting.Kind.INTERNSHIP, Posting.Kind.INTERNSHIP, Posting.Kind.EXTERNSHIP])
        status = rng.choice(statuses)
        words = SPECIALTY_WORDS.get(main.slug, [main.name.lower()])
        title = f"{main.name} {discipline.name.lower()} {kind} — {rng.choice(['day', 'evening', 'summer', 'spring', 'fall', 'weekend'])} {rng.choice(['unit', 'service', 'team', 'clinic', 'programme'])}"
        if status == Posting.Status.PUBLISHED:
            # Most open postings have their deadline ahead; some passed it and wait for
            # the periodic close.
            deadline = today + dt.timedelta(days=rng.randint(-10, 120))
        elif status == Posting.Status.CLOSED:
            deadline = today - dt.timedelta(days=rng.randint(1, 200))
        else:
            deadline = today + dt.timedelta(days=rng.randint(-60, 150))
        start = deadline + dt.timedelta(days=rng.randint(7, 90))
        end = start + dt.timedelta(days=rng.choice([14, 21, 28, 42, 56, 70, 84, 120, 150, 180, 240, 300]))
        paid = rng.random() < 0.35
        published_at = (
            None if status == Posting.Status.DRAFT else now - dt.timedelta(days=rng.randint(0, 200), minutes=i)
        )
        postings.append(
            {
                "id": i, "site_id": site["id"], "title": title, "kind": kind, "discipline_id": discipline.pk,
                "description": f"{rng.choice(words).capitalize()} placement in {main.name.lower()}. " + " ".join(rng.sample(SENTENCES, 4)),
                "duties": " ".join(rng.sample(DUTIES, 3)), "learning_objectives": " ".join(rng.sample(LEARNING, 2)),
                "requirements": "Immunizations, background check, BLS certification.",
                "city": site["city"], "state": site["state"],
                "work_mode": Posting.WorkMode.HYBRID if rng.random() < 0.15 else Posting.WorkMode.ONSITE,
                "start_date": start, "end_date": end, "hours_per_week": rng.choice([8, 12, 16, 20, 24, 30, 32, 36, 40]),
                "slots": rng.choice([1, 1, 2, 2, 3, 4, 6]), "is_paid": paid,
                "stipend_amount": rng.choice([15, 18, 20, 500, 1200]) if paid else None,
                "stipend_period": rng.choice(["hour", "month", "total"]) if paid else "",
                "application_deadline": deadline, "status": status,
                "close_reason": Posting.CloseReason.DEADLINE if status == Posting.Status.CLOSED else "",
                "published_at": published_at, "closed_at": now if status == Posting.Status.CLOSED else None,
                "created_by_id": site["id"], "created_at": now, "updated_at": now, "search_vector": None,
            }
        )  # fmt: skip
        for s in chosen:
            posting_specialties.append({"posting_id": i, "specialty_id": s.pk})
    _copy(Posting, postings)
    _copy(Posting.specialties.through._meta.db_table, posting_specialties, columns=["posting_id", "specialty_id"])
    log(f"  {len(postings):,} postings, {len(posting_specialties):,} specialty tags")

    # Applications to published and closed postings; seats never beyond slots.
    visible = [p for p in postings if p["status"] in (Posting.Status.PUBLISHED, Posting.Status.CLOSED)]
    applications, seen = [], set()
    free_statuses = (
        [Application.Status.SUBMITTED] * 5
        + [Application.Status.UNDER_REVIEW] * 2
        + [
            Application.Status.SHORTLISTED,
            Application.Status.REJECTED,
            Application.Status.WITHDRAWN,
        ]
    )
    held_statuses = sorted(HOLDS_SEAT)
    seats: dict[int, int] = {}
    app_id = 0
    while app_id < APPLICATIONS:
        posting = visible[rng.randrange(len(visible))]
        student = student_ids[rng.randrange(len(student_ids))]
        if (posting["id"], student) in seen:
            continue
        seen.add((posting["id"], student))
        status = rng.choice(free_statuses)
        if rng.random() < 0.15 and seats.get(posting["id"], 0) < posting["slots"]:
            status = rng.choice(held_statuses)
            seats[posting["id"]] = seats.get(posting["id"], 0) + 1
        app_id += 1
        submitted = now - dt.timedelta(days=rng.randint(0, 120))
        applications.append(
            {
                "id": app_id, "posting_id": posting["id"], "student_id": student, "status": status,
                "cover_letter": "I would love to learn on your team.", "submitted_at": submitted,
                "status_changed_at": submitted,
                "offer_expires_at": now + dt.timedelta(days=5) if status == Application.Status.OFFERED else None,
            }
        )  # fmt: skip
    _copy(Application, applications)
    log(f"  {len(applications):,} applications")

    _reset_sequences(School, Program, Site, User, Posting, Application)
    log("  keyword index…")
    posting_search_refresh_for_sites(site_ids=[s["id"] for s in sites])
    # The refresh rewrote every posting row once; a table in steady use would not carry
    # that doubled size, so compact it (statistics and visibility map come after).
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM FULL {Posting._meta.db_table}")
