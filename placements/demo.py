"""Demo data for placements, called by `manage.py seed_demo` after the accounts part.

Idempotent: every row is found or created by a natural key, so a second run adds nothing.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Discipline, Role, Site, User
from placements.models import Posting
from placements.services.postings import posting_field_errors
from placements.services.search import posting_search_refresh


def seed(*, stdout) -> None:
    _seed_postings(stdout=stdout)
    _seed_applications(stdout=stdout)
    _seed_agreements(stdout=stdout)
    _seed_notifications(stdout=stdout)


# --- Postings -------------------------------------------------------------------------
DEMO_POSTINGS = 150
DEMO_SITE_NAME = "Mercy General Hospital"  # the demo site staff's site
DEMO_MENTOR_EMAIL = "mentor@example.com"
MERCY_POSTINGS = 10

# discipline slug -> (title phrase, who it is for, duties, what they learn, requirements)
_DISCIPLINE_TEXT = {
    "nursing": (
        "nursing",
        "nursing students (BSN or ADN) in their final year",
        [
            "Take and record vital signs and assist with activities of daily living under an RN preceptor",
            "Join bedside shift report and hourly rounding",
            "Prepare and, with your preceptor, give medications on the unit's schedule",
            "Help with admission and discharge teaching for patients and families",
        ],
        [
            "Prioritising care for a full patient assignment",
            "Safe medication administration and documentation in the EHR",
            "SBAR communication with physicians and the care team",
        ],
        "Immunizations (MMR, varicella, hepatitis B, annual flu), TB test, background check, drug screen, BLS.",
    ),
    "medicine": (
        "clinical rotation for medical students",
        "third- and fourth-year medical students",
        [
            "Take histories and perform examinations, then present to the attending",
            "Write daily progress notes reviewed by your supervising resident",
            "Join morning rounds, case conferences and teaching sessions",
        ],
        [
            "Building a differential diagnosis and an assessment and plan",
            "Ordering and interpreting common investigations",
            "Working in an interprofessional team",
        ],
        "Immunizations, TB test, background check, proof of malpractice coverage from your school, BLS and ACLS.",
    ),
    "pharmacy": (
        "pharmacy",
        "PharmD students on advanced pharmacy practice experiences",
        [
            "Verify orders and review medication profiles with a pharmacist",
            "Counsel patients on new prescriptions",
            "Prepare drug information answers for the care team",
        ],
        [
            "Therapeutic drug monitoring and renal dose adjustment",
            "Medication reconciliation at transitions of care",
            "Clear, patient-friendly counselling",
        ],
        "Pharmacy intern licence for the state, immunizations, background check.",
    ),
    "physical-therapy": (
        "physical therapy clinical",
        "DPT students on full-time clinical experiences",
        [
            "Evaluate patients and write plans of care with your clinical instructor",
            "Lead therapeutic exercise and gait training sessions",
            "Document daily notes and progress reports",
        ],
        [
            "Evidence-based treatment progression",
            "Safe transfers and mobility with complex patients",
            "Caseload management toward entry-level performance",
        ],
        "Immunizations, background check, CPR certification, proof of student liability insurance.",
    ),
    "occupational-therapy": (
        "occupational therapy fieldwork",
        "OT students on Level II fieldwork",
        [
            "Assess ADL and IADL performance with your fieldwork educator",
            "Plan and run individual and group treatment sessions",
            "Recommend adaptive equipment and home modifications",
        ],
        [
            "Occupation-based intervention planning",
            "Standardised assessments and documentation",
            "Collaborating with families and the rehab team",
        ],
        "Immunizations, background check, CPR, completed Level I fieldwork.",
    ),
    "medical-administration": (
        "medical administration",
        "students of health administration, health information or medical office programmes",
        [
            "Support the front desk with registration and insurance verification",
            "Work with the revenue cycle team on claims and denials",
            "Help prepare quality and scheduling reports",
        ],
        [
            "How a healthcare organisation runs day to day",
            "Coding, billing and privacy rules in practice",
            "Using the practice management and EHR systems",
        ],
        "Background check, HIPAA training (we provide it in the first week).",
    ),
    "physician-assistant": (
        "physician assistant clinical rotation",
        "PA students in their clinical year",
        [
            "See patients independently and present to your preceptor",
            "Perform procedures appropriate to the rotation under supervision",
            "Write notes and orders for co-signature",
        ],
        [
            "Focused history and physical examination",
            "Common procedures and their indications",
            "Patient education and follow-up planning",
        ],
        "Immunizations, TB test, background check, BLS, ACLS for acute care rotations.",
    ),
    "respiratory-therapy": (
        "respiratory therapy",
        "respiratory therapy students in their final clinical term",
        [
            "Assist with ventilator checks and weaning trials",
            "Give aerosol treatments and airway clearance",
            "Respond with the therapist to rapid responses",
        ],
        [
            "Mechanical ventilation modes and monitoring",
            "Arterial blood gas interpretation",
            "Airway management in emergencies",
        ],
        "Immunizations, N95 fit test, background check, BLS.",
    ),
    "radiologic-technology": (
        "imaging technologist",
        "radiography students in an accredited programme",
        [
            "Position patients and acquire images with a registered technologist",
            "Work in general radiography, fluoroscopy and portable imaging",
            "Apply radiation safety for patients and staff",
        ],
        [
            "Competency in routine and trauma projections",
            "Image quality evaluation",
            "ALARA principles in daily practice",
        ],
        "Immunizations, background check, dosimetry badge (provided), BLS.",
    ),
    "medical-laboratory-science": (
        "clinical laboratory",
        "MLS and MLT students",
        [
            "Run specimens on chemistry and haematology analysers with a technologist",
            "Perform quality control and calibration",
            "Process and log specimens following the lab's procedures",
        ],
        [
            "Analyser operation and troubleshooting",
            "Quality control and result validation",
            "Laboratory safety and regulatory standards",
        ],
        "Immunizations, hepatitis B series, background check.",
    ),
    "dietetics": (
        "dietetic",
        "dietetic interns and students in a coordinated programme",
        [
            "Complete nutrition assessments with a registered dietitian",
            "Plan diets and calorie counts for patients on the unit",
            "Lead a short nutrition education session",
        ],
        [
            "The nutrition care process from assessment to monitoring",
            "Enteral and parenteral nutrition basics",
            "Counselling for behaviour change",
        ],
        "Immunizations, food handler card, background check.",
    ),
    "speech-language-pathology": (
        "speech-language pathology",
        "SLP graduate students",
        [
            "Assess speech, language and swallowing with a certified SLP",
            "Plan and deliver therapy sessions",
            "Take part in instrumental swallow studies",
        ],
        [
            "Dysphagia assessment and management",
            "Aphasia and cognitive-communication therapy",
            "Writing clear goals and reports",
        ],
        "Immunizations, background check, CPR.",
    ),
    "public-health": (
        "public health",
        "MPH and undergraduate public health students",
        [
            "Help run community screening and outreach events",
            "Clean and analyse programme data",
            "Draft materials for a health education campaign",
        ],
        [
            "Programme planning and evaluation",
            "Working with community partners",
            "Turning data into a short report for decision makers",
        ],
        "Background check; immunizations for events with patient contact.",
    ),
    "dental-hygiene": (
        "dental hygiene",
        "dental hygiene students",
        [
            "Provide prophylaxis and periodontal charting under a hygienist",
            "Take and review radiographs",
            "Teach oral hygiene to patients of every age",
        ],
        [
            "Periodontal assessment",
            "Efficient instrumentation",
            "Preventive care and patient motivation",
        ],
        "Immunizations, hepatitis B series, background check, CPR.",
    ),
    "paramedicine": (
        "paramedic field",
        "paramedic students in their field internship",
        [
            "Ride with a paramedic crew on 911 calls",
            "Assess patients and start treatment under protocol",
            "Hand over to the emergency department team",
        ],
        [
            "Scene management and rapid assessment",
            "Advanced airway and cardiac care under supervision",
            "Clear handover and documentation",
        ],
        "Immunizations, background check, EMT certification, BLS and ACLS.",
    ),
}

_UNIT_WORDS = ["unit", "team", "service", "department", "clinic"]


def _title(specialty_name: str, phrase: str, kind: str) -> str:
    word = "internship" if kind == Posting.Kind.INTERNSHIP else "externship"
    if phrase.endswith(("rotation for medical students", "clinical rotation", "fieldwork")):
        return f"{specialty_name} {phrase}"
    return f"{specialty_name} {phrase} {word}"


def _dates(rng: random.Random, today: dt.date, status: str) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, deadline) that fit the status: open postings still take applications,
    closed ones mostly had their deadline pass, archived ones are over."""
    weeks = rng.choice([4, 6, 8, 10, 12, 12, 16, 24])
    if status == Posting.Status.ARCHIVED:
        start = today - dt.timedelta(days=rng.randint(150, 300))
    elif status == Posting.Status.CLOSED:
        start = today + dt.timedelta(days=rng.randint(5, 40))
    else:
        start = today + dt.timedelta(days=rng.randint(21, 240))
    # Placements start on a Monday.
    start -= dt.timedelta(days=start.weekday())
    end = start + dt.timedelta(weeks=weeks) - dt.timedelta(days=3)
    if status in (Posting.Status.ARCHIVED, Posting.Status.CLOSED):
        deadline = min(start - dt.timedelta(days=14), today - dt.timedelta(days=rng.randint(1, 10)))
    else:
        latest = (start - today).days - 7
        deadline = today + dt.timedelta(days=rng.randint(min(3, latest), latest))
    return start, end, deadline


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.8:
        return Posting.Status.PUBLISHED
    if roll < 0.9:
        return Posting.Status.CLOSED
    if roll < 0.97:
        return Posting.Status.DRAFT
    return Posting.Status.ARCHIVED


def _plan(sites: list[Site], mercy: Site | None) -> list[Site]:
    """Which site each demo posting belongs to: MERCY_POSTINGS at the demo staff's site,
    the rest spread over every verified site in turn."""
    plan = [mercy] * MERCY_POSTINGS if mercy else []
    others = [s for s in sites if s != mercy] or sites
    while len(plan) < DEMO_POSTINGS:
        plan.append(others[len(plan) % len(others)])
    return plan


def _seed_postings(*, stdout) -> None:
    sites = list(Site.objects.filter(verified=True).order_by("name"))
    if not sites:
        stdout.write("  postings: no verified sites yet (run the accounts demo first); skipped")
        return
    today = timezone.localdate()
    mercy = next((s for s in sites if s.name == DEMO_SITE_NAME), None)
    demo_mentor = User.objects.filter(email=DEMO_MENTOR_EMAIL, role=Role.MENTOR).first()
    disciplines = list(Discipline.objects.prefetch_related("specialties").order_by("name"))
    staff_by_site = {u.site_id: u for u in User.objects.filter(role=Role.SITE_STAFF, site__in=sites).order_by("-pk")}
    mentors_by_site: dict[int, list[User]] = {}
    for mentor in User.objects.filter(role=Role.MENTOR, site__in=sites).order_by("pk"):
        mentors_by_site.setdefault(mentor.site_id, []).append(mentor)

    created, refreshed = 0, []
    with transaction.atomic():
        planned: set[tuple[int, str]] = set()
        for index, site in enumerate(_plan(sites, mercy)):
            # One generator per posting: the same posting on every machine and every run,
            # whatever earlier runs already created.
            rng = random.Random(f"practicum-demo-{index}")
            # Every discipline appears; a hospital at Mercy favours nursing and medicine.
            if site == mercy and index % 3 != 2:
                discipline = next(d for d in disciplines if d.slug == ("nursing" if index % 2 else "medicine"))
            else:
                discipline = disciplines[index % len(disciplines)]
            choices = sorted(discipline.specialties.all(), key=lambda s: s.name)
            first = choices[(index * 7 + rng.randint(0, 3)) % len(choices)]
            extra = rng.sample(choices, k=min(len(choices), rng.randint(0, 2)))
            specialties = [first] + [s for s in extra if s != first]
            phrase, audience, duties, learn, requirements = _DISCIPLINE_TEXT[discipline.slug]
            kind = Posting.Kind.INTERNSHIP if rng.random() < 0.6 else Posting.Kind.EXTERNSHIP
            title = _title(first.name, phrase, kind)
            for other in choices:  # a site posts each title once: pick another specialty
                if (site.pk, title) not in planned:
                    break
                first = other
                specialties = [first] + [s for s in extra if s != first]
                title = _title(first.name, phrase, kind)
            if (site.pk, title) in planned:
                continue
            planned.add((site.pk, title))
            if Posting.objects.filter(site=site, title=title).exists():
                continue  # made by an earlier run (the natural key is site + title)
            status = _status(rng)
            if site == mercy and index < 6:
                status = Posting.Status.PUBLISHED  # the demo staff's own list starts with open postings
            if site == mercy and index == 6:
                status = Posting.Status.DRAFT
            start, end, deadline = _dates(rng, today, status)
            is_paid = rng.random() < 0.3
            amount, period = None, ""
            if is_paid:
                period = rng.choice(
                    [Posting.StipendPeriod.HOUR, Posting.StipendPeriod.MONTH, Posting.StipendPeriod.TOTAL]
                )
                amount = {
                    Posting.StipendPeriod.HOUR: Decimal(rng.choice([15, 16, 18, 20, 22])),
                    Posting.StipendPeriod.MONTH: Decimal(rng.choice([800, 1000, 1500, 2000])),
                    Posting.StipendPeriod.TOTAL: Decimal(rng.choice([500, 1000, 1500, 2500])),
                }[period]
            mentor = None
            if site == mercy and demo_mentor is not None and index % 2 == 0:
                mentor = demo_mentor
            elif mentors_by_site.get(site.pk) and rng.random() < 0.4:
                mentor = rng.choice(mentors_by_site[site.pk])
            unit = rng.choice(_UNIT_WORDS)
            weeks = round((end - start).days / 7)
            values = {
                "title": title,
                "kind": kind,
                "discipline": discipline,
                "description": (
                    f"{site.name}'s {first.name.lower()} {unit} welcomes {audience} for a {weeks}-week "
                    f"{kind}. You join a busy, friendly team and work alongside experienced clinicians "
                    f"who enjoy teaching. Expect a mix of hands-on practice, observation and short "
                    f"teaching sessions, with a weekly check-in with your preceptor."
                ),
                "duties": "\n".join(f"- {line}." for line in rng.sample(duties, k=min(3, len(duties)))),
                "learning_objectives": "\n".join(f"- {line}." for line in learn),
                "requirements": requirements,
                "city": site.city,
                "state": site.state,
                "work_mode": Posting.WorkMode.HYBRID
                if discipline.slug in ("medical-administration", "public-health") and rng.random() < 0.6
                else Posting.WorkMode.ONSITE,
                "start_date": start,
                "end_date": end,
                "hours_per_week": rng.choice([16, 20, 24, 24, 32, 36, 40]),
                "slots": rng.choice([1, 1, 2, 2, 3, 4, 6]),
                "is_paid": is_paid,
                "stipend_amount": amount,
                "stipend_period": period,
                "application_deadline": deadline,
                "mentor": mentor,
            }
            if status in (Posting.Status.DRAFT, Posting.Status.PUBLISHED):
                # Open demo postings pass the same rules as the form; closed and archived
                # ones have deadlines in the past, which only history may have.
                errors = posting_field_errors(values={**values, "specialties": specialties}, site=site, today=today)
                assert not errors, (title, errors)
            published_at = None
            if status != Posting.Status.DRAFT:
                published_at = timezone.now() - dt.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
            closed = status in (Posting.Status.CLOSED, Posting.Status.ARCHIVED)
            # Written directly, not through posting_create/posting_publish: the demo needs
            # history (past deadlines, closed postings) that the services rightly refuse,
            # and publishing 150 postings must not fan out match notifications.
            posting = Posting.objects.create(
                site=site,
                created_by=staff_by_site.get(site.pk),
                status=status,
                published_at=published_at,
                close_reason=(
                    (Posting.CloseReason.DEADLINE if rng.random() < 0.7 else Posting.CloseReason.FILLED)
                    if closed
                    else ""
                ),
                closed_at=timezone.now() - dt.timedelta(days=rng.randint(0, 10)) if closed else None,
                **values,
            )
            posting.specialties.set(specialties)
            refreshed.append(posting.pk)
            created += 1
        posting_search_refresh(posting_ids=refreshed)
    total = Posting.objects.count()
    stdout.write(f"  postings: {created} created, {total} in all")


# --- Affiliation agreements -----------------------------------------------------------
# (school, site, days from today to start, to end, status, discipline slugs, notes).
# Riverside has a long agreement with Mercy General (the demo site), one that expires
# soon, one expired, one pending; Lakeside shares Mercy General, so its staff see two.
_DEMO_AGREEMENTS = [
    (
        "Riverside College of Health",
        "Mercy General Hospital",
        -400,
        730,
        "active",
        ["nursing", "physical-therapy", "pharmacy", "medical-administration"],
        "Master affiliation agreement, renewed every three years. Students bring their school ID badge on day one.",
    ),
    (
        "Riverside College of Health",
        "Riverbend Children’s Hospital",
        -340,
        25,
        "active",
        ["nursing"],
        "Paediatric rotations only. Renewal sent to the hospital's legal team.",
    ),
    (
        "Riverside College of Health",
        "Liberty Rehabilitation Hospital",
        -750,
        -20,
        "active",
        ["physical-therapy"],
        "Expired: waiting for the site to countersign the renewal.",
    ),
    (
        "Riverside College of Health",
        "Lakeshore Medical Center",
        30,
        1125,
        "pending",
        ["nursing", "pharmacy"],
        "Draft agreed; signatures pending.",
    ),
    (
        "Riverside College of Health",
        "Keystone Hospital Pharmacy Services",
        -100,
        630,
        "active",
        ["pharmacy"],
        "",
    ),
    (
        "Lakeside University School of Health Sciences",
        "Mercy General Hospital",
        -200,
        900,
        "active",
        ["medicine", "nursing"],
        "",
    ),
]


def _seed_agreements(*, stdout) -> None:
    from accounts.models import School
    from placements.models import AffiliationAgreement

    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        for school_name, site_name, start, end, status, slugs, notes in _DEMO_AGREEMENTS:
            school = School.objects.filter(name=school_name).first()
            site = Site.objects.filter(name=site_name).first()
            if school is None or site is None:
                continue
            # One demo agreement per school and site: a second run finds it and adds nothing.
            if AffiliationAgreement.objects.filter(school=school, site=site).exists():
                continue
            coordinator = User.objects.filter(role=Role.COORDINATOR, school=school).order_by("pk").first()
            agreement = AffiliationAgreement.objects.create(
                school=school,
                site=site,
                start_date=today + dt.timedelta(days=start),
                end_date=today + dt.timedelta(days=end),
                status=status,
                notes=notes,
                created_by=coordinator,
            )
            agreement.disciplines.set(Discipline.objects.filter(slug__in=slugs))
            created += 1
    total = AffiliationAgreement.objects.count()
    stdout.write(f"  agreements: {created} created, {total} in all")


# --- Applications ---------------------------------------------------------------------
# Demo students besides student@example.com (same password; not in the logins table).
_DEMO_APPLICANTS = [
    ("priya.patel@example.com", "Priya", "Patel", "Riverside College of Health", "BSN Nursing"),
    ("jordan.kim@example.com", "Jordan", "Kim", "Riverside College of Health", "BSN Nursing"),
    ("luis.ortega@example.com", "Luis", "Ortega", "Lakeside University School of Health Sciences", "BSN Nursing"),
    ("amara.okafor@example.com", "Amara", "Okafor", "Lakeside University School of Health Sciences", "BSN Nursing"),
]
_SITE_STAFF_EMAIL = "site@example.com"
# (student email, which open Mercy posting (0 = the one starting first), days ago applied,
#  the moves after "submitted": (status, days ago, reason))
_DEMO_APPLICATIONS = [
    ("student@example.com", 0, 2, []),
    ("student@example.com", 1, 9, [("under_review", 7, ""), ("offered", 1, "")]),
    (
        "student@example.com",
        2,
        12,
        [("rejected", 6, "Thank you for applying. We chose students with telemetry experience this round.")],
    ),
    ("priya.patel@example.com", 0, 4, [("under_review", 1, "")]),
    ("priya.patel@example.com", 1, 8, [("shortlisted", 3, "")]),
    ("jordan.kim@example.com", 2, 14, [("shortlisted", 10, ""), ("offered", 6, ""), ("accepted", 3, "")]),
    ("luis.ortega@example.com", 0, 3, [("shortlisted", 1, "")]),
    ("luis.ortega@example.com", 1, 10, [("withdrawn", 5, "I accepted a placement closer to home.")]),
    ("amara.okafor@example.com", 0, 1, []),
    ("amara.okafor@example.com", 2, 15, [("offered", 12, ""), ("expired", 5, "")]),
]


def _demo_student(email, first, last, school_name, program_name) -> User | None:
    from allauth.account.models import EmailAddress
    from django.core.files.base import ContentFile

    from accounts.demo import DEMO_PASSWORD, demo_resume_pdf
    from accounts.models import Program, School, StudentProfile

    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    school = School.objects.filter(name=school_name).first()
    program = Program.objects.filter(school=school, name=program_name).first()
    if school is None or program is None:
        return None
    user = User.objects.create_user(
        email, DEMO_PASSWORD, first_name=first, last_name=last, role=Role.STUDENT, school=school
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    profile = StudentProfile.objects.create(
        user=user,
        program=program,
        discipline=program.discipline,
        graduation_year=timezone.localdate().year + 1,
        city=school.city,
        state=school.state,
        bio=f"Final-year {program.name} student at {school.name}, looking for hands-on acute care experience.",
        skills="BLS certified\nVital signs and assessment\nPatient education",
    )
    profile.resume.save("resume.pdf", ContentFile(demo_resume_pdf(user.display_name)), save=False)
    profile.resume_uploaded_at = timezone.now()
    profile.save()
    return user


def _seed_applications(*, stdout) -> None:
    """A handful of applications in every state at Mercy General's open postings, for
    student@example.com and four other demo students; idempotent by (posting, student).

    Written directly with back-dated event rows, not through application_transition: the
    demo needs history (moves days ago) and must not send a burst of notification emails.
    Every path is checked against TRANSITIONS and the slots, so the data is one the
    services could have produced."""
    from django.core.files.base import ContentFile

    from accounts.demo import demo_resume_pdf
    from placements.models import HOLDS_SEAT, TRANSITIONS, Application, ApplicationEvent
    from placements.services.applications import offer_default_deadline

    mercy = Site.objects.filter(name=DEMO_SITE_NAME).first()
    staff = User.objects.filter(email=_SITE_STAFF_EMAIL).first()
    today = timezone.localdate()
    # The demo students study nursing: their applications go to Mercy's open nursing
    # postings first (then any other open posting), earliest start first.
    open_postings = Posting.objects.filter(
        site=mercy, status=Posting.Status.PUBLISHED, application_deadline__gte=today
    ).select_related("discipline")
    postings = sorted(open_postings, key=lambda p: (p.discipline.slug != "nursing", p.start_date, p.pk))[:3]
    if mercy is None or staff is None or len(postings) < 3:
        stdout.write("  applications: Mercy General Hospital or its open postings are missing; skipped")
        return
    students = {u.email: u for u in User.objects.filter(email="student@example.com", role=Role.STUDENT)}
    for row in _DEMO_APPLICANTS:
        user = _demo_student(*row)
        if user is not None:
            students[user.email] = user

    now = timezone.now()
    created = 0
    with transaction.atomic():
        for email, index, applied_days, moves in _DEMO_APPLICATIONS:
            student, posting = students.get(email), postings[index]
            if student is None or Application.objects.filter(posting=posting, student=student).exists():
                continue
            final = moves[-1][0] if moves else Application.Status.SUBMITTED
            path = [Application.Status.SUBMITTED] + [status for status, _days, _reason in moves]
            assert all((a, b) in TRANSITIONS for a, b in zip(path, path[1:], strict=False)), path
            seats = Application.objects.filter(posting=posting, status__in=HOLDS_SEAT).count()
            if final in HOLDS_SEAT and seats >= posting.slots:
                continue
            submitted_at = now - dt.timedelta(days=applied_days, hours=index + 2)
            application = Application(
                posting=posting,
                student=student,
                status=final,
                cover_letter=(
                    f"Dear {mercy.name} team,\n\nI am applying for “{posting.title}”. Over the last two years I "
                    "have worked as a nursing assistant and completed my medical-surgical rotations, and I want "
                    "to build my skills in a busy unit with a preceptor who enjoys teaching.\n\n"
                    f"Thank you for considering me,\n{student.display_name}"
                ),
                resume_name=f"{student.first_name}_{student.last_name}_resume.pdf",
            )
            application.resume.save("resume.pdf", ContentFile(demo_resume_pdf(student.display_name)), save=False)
            if final == Application.Status.OFFERED:
                application.offer_expires_at = offer_default_deadline(posting=posting, now=now - dt.timedelta(days=1))
            if final == Application.Status.EXPIRED:
                application.offer_expires_at = now - dt.timedelta(days=5)
            if final == Application.Status.REJECTED:
                application.decision_reason = moves[-1][2]
            application.save()
            events = [(None, Application.Status.SUBMITTED, submitted_at, student, "")]
            previous = Application.Status.SUBMITTED
            for status, days, reason in moves:
                actor = {
                    Application.Status.WITHDRAWN: student,
                    Application.Status.ACCEPTED: student,
                    Application.Status.DECLINED: student,
                    Application.Status.EXPIRED: None,
                }.get(status, staff)
                events.append((previous, status, now - dt.timedelta(days=days, hours=index), actor, reason))
                previous = status
            for from_status, to_status, at, actor, reason in events:
                event = ApplicationEvent.objects.create(
                    application=application,
                    actor=actor,
                    from_status=from_status or "",
                    to_status=to_status,
                    reason=reason,
                    dispatched_at=now,  # history: nobody is notified of it now
                )
                ApplicationEvent.objects.filter(pk=event.pk).update(created_at=at)
            Application.objects.filter(pk=application.pk).update(
                submitted_at=submitted_at, status_changed_at=events[-1][2]
            )
            created += 1
    total = Application.objects.filter(posting__site=mercy).count()
    stdout.write(f"  applications: {created} created, {total} at {mercy.name}")


# --- Notifications --------------------------------------------------------------------
DEMO_MATCHES = 4


def _seed_notifications(*, stdout) -> None:
    """What the demo logins find in their notification centre: what the demo's
    application history told its people (the very texts the live dispatch writes, dated
    at each event) and a few matches of open postings for student@example.com. In-app
    only: the seed sends no email. Idempotent through the notifications' unique key."""
    from placements.models import ApplicationEvent, Notification, NotificationKind
    from placements.services.notifications.events import event_notifications
    from placements.services.notifications.fanout import students_matching

    now = timezone.now()
    rows = []
    events = ApplicationEvent.objects.select_related("application__posting__site", "application__student").order_by(
        "-created_at", "-id"
    )[:80]
    for event in events:
        for notification in event_notifications(event):
            notification.created_at = event.created_at
            notification.email_status = Notification.EmailStatus.SKIPPED
            # What happened more than three days ago has been read.
            if event.created_at < now - dt.timedelta(days=3):
                notification.read_at = event.created_at + dt.timedelta(hours=5)
            rows.append(notification)
    student = User.objects.filter(email="student@example.com", role=Role.STUDENT).first()
    if student is not None:
        candidates = Posting.objects.filter(
            status=Posting.Status.PUBLISHED, application_deadline__gte=timezone.localdate()
        ).select_related("site")
        matched = 0
        for posting in candidates.order_by("-published_at", "-pk"):
            if matched >= DEMO_MATCHES:
                break
            if not students_matching(posting).filter(pk=student.pk).exists():
                continue
            matched += 1
            rows.append(
                Notification(
                    recipient=student,
                    kind=NotificationKind.POSTING_MATCH,
                    object_id=posting.pk,
                    title=f"New posting for you: {posting.title}"[:300],
                    body=f"{posting.site.name} · {posting.city}, {posting.state} · {posting.get_kind_display()}",
                    due_on=posting.application_deadline,
                    created_at=now - dt.timedelta(hours=2 + 7 * matched),
                    email_status=Notification.EmailStatus.SKIPPED,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    total = Notification.objects.count()
    stdout.write(f"  notifications: {total} in all (in-app only, no email sent)")
