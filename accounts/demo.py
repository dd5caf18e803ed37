"""Demo data for people and organizations, loaded by `manage.py seed_demo`.

Idempotent: every row is found or created by a natural key (slug, email, school + name),
so a second run adds nothing and changes nothing a person may have edited since.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    CoordinatorProfile,
    Discipline,
    MentorProfile,
    Program,
    Role,
    School,
    Site,
    SiteStaffProfile,
    Specialty,
    StudentProfile,
    User,
)

DEMO_PASSWORD = "practicum-demo"

# name, city, state, verified, [(program, discipline slug)]
SCHOOLS = [
    (
        "Riverside College of Health",
        "Columbus",
        "OH",
        True,
        [
            ("BSN Nursing", "nursing"),
            ("Doctor of Physical Therapy", "physical-therapy"),
            ("PharmD", "pharmacy"),
            ("Health Information Management BS", "medical-administration"),
        ],
    ),
    (
        "Lakeside University School of Health Sciences",
        "Chicago",
        "IL",
        True,
        [
            ("Doctor of Medicine (MD)", "medicine"),
            ("BSN Nursing", "nursing"),
            ("MS Occupational Therapy", "occupational-therapy"),
        ],
    ),
    (
        "Sunbelt Institute of Health Professions",
        "Phoenix",
        "AZ",
        True,
        [
            ("Physician Assistant Studies MPAS", "physician-assistant"),
            ("Respiratory Therapy AS", "respiratory-therapy"),
            ("Radiologic Technology AS", "radiologic-technology"),
        ],
    ),
    (
        "Gulf Coast University College of Health",
        "Houston",
        "TX",
        True,
        [
            ("Medical Laboratory Science BS", "medical-laboratory-science"),
            ("Dietetics MS", "dietetics"),
            ("Master of Public Health", "public-health"),
            ("BSN Nursing", "nursing"),
        ],
    ),
    (
        "Green Mountain Community College",
        "Burlington",
        "VT",
        True,
        [
            ("Paramedic Certificate", "paramedicine"),
            ("Dental Hygiene AS", "dental-hygiene"),
            ("Speech-Language Pathology MS", "speech-language-pathology"),
        ],
    ),
    ("Northern Plains Technical College", "Fargo", "ND", False, [("Practical Nursing Diploma", "nursing")]),
]

# name, kind, address, city, state, [specialty slugs], description
SITES = [
    (
        "Mercy General Hospital",
        "hospital",
        "1200 Mercy Way",
        "Columbus",
        "OH",
        ["cardiology", "emergency-medicine", "critical-care", "surgery", "oncology", "internal-medicine"],
        "A 480-bed teaching hospital with a level I trauma centre, a cardiac step-down unit and a busy emergency department.",
    ),
    (
        "Riverbend Children’s Hospital",
        "hospital",
        "55 Riverbend Drive",
        "Cincinnati",
        "OH",
        ["paediatrics", "critical-care", "neurology", "surgery"],
        "A regional children’s hospital with paediatric intensive care and a neonatal unit.",
    ),
    (
        "Lakeshore Medical Center",
        "hospital",
        "900 N Lake Shore Drive",
        "Chicago",
        "IL",
        ["cardiology", "neurology", "oncology", "radiology", "anaesthesiology"],
        "An academic medical centre known for stroke care and cancer research.",
    ),
    (
        "Prairie Family Health Clinic",
        "clinic",
        "310 Main Street",
        "Springfield",
        "IL",
        ["family-and-primary-care", "paediatrics", "geriatrics", "endocrinology"],
        "A federally qualified health centre serving families in central Illinois.",
    ),
    (
        "Desert Sun Regional Hospital",
        "hospital",
        "4400 E Camelback Road",
        "Phoenix",
        "AZ",
        ["emergency-medicine", "pulmonology", "critical-care", "radiology"],
        "A community hospital with a large respiratory care department and imaging centre.",
    ),
    (
        "Saguaro Rehabilitation Institute",
        "rehab",
        "77 Cactus Lane",
        "Tucson",
        "AZ",
        ["neurorehabilitation", "sports-and-musculoskeletal", "orthopaedics", "hand-therapy"],
        "Inpatient and outpatient rehabilitation after stroke, spinal cord injury and joint replacement.",
    ),
    (
        "Bayou Community Pharmacy",
        "pharmacy",
        "18 Magazine Street",
        "New Orleans",
        "LA",
        ["community-pharmacy", "ambulatory-care-pharmacy"],
        "An independent community pharmacy with immunization and medication therapy management services.",
    ),
    (
        "Lone Star Diagnostic Laboratories",
        "lab",
        "2500 Fannin Street",
        "Houston",
        "TX",
        ["clinical-chemistry", "microbiology", "haematology-and-blood-bank"],
        "A reference laboratory processing 20,000 specimens a day, with a blood bank.",
    ),
    (
        "Gulf Coast Medical Center",
        "hospital",
        "6565 Fannin Street",
        "Houston",
        "TX",
        ["oncology", "cardiology", "surgery", "clinical-nutrition", "infectious-disease"],
        "A tertiary hospital in the medical district with a comprehensive cancer centre.",
    ),
    (
        "Hill Country Physical Therapy",
        "practice",
        "410 Congress Avenue",
        "Austin",
        "TX",
        ["sports-and-musculoskeletal", "orthopaedics", "geriatrics"],
        "An outpatient physical therapy practice working with athletes and older adults.",
    ),
    (
        "Green Mountain Dental Associates",
        "practice",
        "12 Church Street",
        "Burlington",
        "VT",
        ["preventive-dentistry", "paediatrics"],
        "A group dental practice with a strong preventive and paediatric focus.",
    ),
    (
        "Champlain Valley EMS",
        "clinic",
        "88 Shelburne Road",
        "Burlington",
        "VT",
        ["prehospital-care", "emergency-medicine"],
        "The regional emergency medical service, with ride-alongs on advanced life support units.",
    ),
    (
        "Harborview Speech and Swallowing Center",
        "clinic",
        "301 Harbor Street",
        "Portland",
        "ME",
        ["voice-and-swallowing", "neurorehabilitation"],
        "Outpatient speech-language pathology for voice, swallowing and cognitive-communication disorders.",
    ),
    (
        "Empire State Medical Center",
        "hospital",
        "525 E 68th Street",
        "New York",
        "NY",
        ["cardiology", "obstetrics-and-gynaecology", "psychiatry-and-mental-health", "surgery", "dermatology"],
        "A large academic hospital in Manhattan with a women’s health institute.",
    ),
    (
        "Brooklyn Community Health Center",
        "clinic",
        "1 Atlantic Avenue",
        "Brooklyn",
        "NY",
        ["family-and-primary-care", "community-and-public-health", "infectious-disease"],
        "Primary care, HIV care and community outreach for a diverse neighbourhood.",
    ),
    (
        "Keystone Hospital Pharmacy Services",
        "pharmacy",
        "3400 Spruce Street",
        "Philadelphia",
        "PA",
        ["hospital-pharmacy", "oncology", "critical-care"],
        "The inpatient pharmacy of a university hospital, including sterile compounding.",
    ),
    (
        "Liberty Rehabilitation Hospital",
        "rehab",
        "150 Penn Avenue",
        "Pittsburgh",
        "PA",
        ["neurorehabilitation", "geriatrics", "wound-care"],
        "An inpatient rehabilitation hospital with a brain injury programme.",
    ),
    (
        "Chesapeake Bay Medical Center",
        "hospital",
        "600 N Wolfe Street",
        "Baltimore",
        "MD",
        ["infectious-disease", "internal-medicine", "critical-care", "nephrology"],
        "A teaching hospital with strengths in infectious disease and kidney care.",
    ),
    (
        "Capital Health Records Services",
        "practice",
        "1100 K Street NW",
        "Washington",
        "DC",
        ["health-information-management", "medical-billing-and-coding", "quality-and-patient-safety"],
        "A health information management department serving a network of clinics.",
    ),
    (
        "Blue Ridge Family Practice",
        "practice",
        "22 Market Street",
        "Asheville",
        "NC",
        ["family-and-primary-care", "geriatrics", "practice-management"],
        "A rural family practice with an integrated practice-management team.",
    ),
    (
        "Piedmont Cancer Institute",
        "clinic",
        "3 Medical Park Drive",
        "Charlotte",
        "NC",
        ["oncology", "palliative-care", "clinical-nutrition"],
        "An outpatient cancer centre offering infusion, radiation and supportive care.",
    ),
    (
        "Peachtree Women’s Health",
        "clinic",
        "1968 Peachtree Road",
        "Atlanta",
        "GA",
        ["obstetrics-and-gynaecology", "endocrinology"],
        "Prenatal care, gynaecology and diabetes in pregnancy.",
    ),
    (
        "Sunshine Coast Hospital",
        "hospital",
        "1611 NW 12th Avenue",
        "Miami",
        "FL",
        ["emergency-medicine", "cardiology", "paediatrics", "critical-care"],
        "A public safety-net hospital with one of the busiest emergency departments in Florida.",
    ),
    (
        "Gulf Breeze Senior Care",
        "rehab",
        "400 Bayshore Boulevard",
        "Tampa",
        "FL",
        ["geriatrics", "wound-care", "palliative-care"],
        "Skilled nursing and short-term rehabilitation for older adults.",
    ),
    (
        "Music City Medical Laboratory",
        "lab",
        "2200 Children’s Way",
        "Nashville",
        "TN",
        ["microbiology", "clinical-chemistry"],
        "A hospital laboratory with a molecular microbiology section.",
    ),
    (
        "Bluegrass Pharmacy Cooperative",
        "pharmacy",
        "150 Main Street",
        "Lexington",
        "KY",
        ["community-pharmacy", "ambulatory-care-pharmacy", "endocrinology"],
        "A cooperative of community pharmacies with diabetes education services.",
    ),
    (
        "Great Lakes Heart Institute",
        "hospital",
        "3990 John R Street",
        "Detroit",
        "MI",
        ["cardiology", "surgery", "anaesthesiology"],
        "A heart hospital with cardiac surgery, electrophysiology and cardiac rehabilitation.",
    ),
    (
        "North Star Behavioral Health",
        "clinic",
        "2450 Riverside Avenue",
        "Minneapolis",
        "MN",
        ["psychiatry-and-mental-health", "mental-health-ot"],
        "Outpatient and partial-hospitalization mental health services for adults and adolescents.",
    ),
    (
        "Badger State Orthopaedics",
        "practice",
        "1 S Park Street",
        "Madison",
        "WI",
        ["orthopaedics", "sports-and-musculoskeletal", "surgery"],
        "An orthopaedic surgery group with an in-house physical therapy clinic.",
    ),
    (
        "Heartland Regional Hospital",
        "hospital",
        "4000 Cambridge Street",
        "Kansas City",
        "KS",
        ["internal-medicine", "emergency-medicine", "radiology", "pulmonology"],
        "A regional referral hospital serving eastern Kansas.",
    ),
    (
        "Rocky Mountain Children’s Clinic",
        "clinic",
        "13123 E 16th Avenue",
        "Aurora",
        "CO",
        ["paediatrics", "endocrinology", "neurology"],
        "Paediatric specialty clinics for diabetes, epilepsy and development.",
    ),
    (
        "Wasatch Sports Medicine",
        "practice",
        "590 Wakara Way",
        "Salt Lake City",
        "UT",
        ["sports-and-musculoskeletal", "orthopaedics"],
        "Sports medicine and physical therapy for recreational and professional athletes.",
    ),
    (
        "Cascade Medical Center",
        "hospital",
        "1959 NE Pacific Street",
        "Seattle",
        "WA",
        ["critical-care", "neurology", "infectious-disease", "nephrology"],
        "An academic medical centre with a regional burn and neuro-intensive care unit.",
    ),
    (
        "Willamette Valley Dialysis",
        "clinic",
        "800 SW Broadway",
        "Portland",
        "OR",
        ["nephrology", "clinical-nutrition"],
        "Outpatient haemodialysis and home dialysis training.",
    ),
    (
        "Golden Gate Community Clinic",
        "clinic",
        "1001 Potrero Avenue",
        "San Francisco",
        "CA",
        ["family-and-primary-care", "community-and-public-health", "psychiatry-and-mental-health"],
        "A community clinic offering primary care, mental health and public health programmes.",
    ),
    (
        "Pacific Coast Diagnostic Imaging",
        "lab",
        "8700 Beverly Boulevard",
        "Los Angeles",
        "CA",
        ["radiology", "oncology"],
        "An imaging centre with MRI, CT, mammography and interventional radiology.",
    ),
]
UNVERIFIED_SITES = [
    (
        "Red River Urgent Care",
        "clinic",
        "45 Broadway",
        "Fargo",
        "ND",
        ["emergency-medicine", "family-and-primary-care"],
        "Walk-in urgent care open every day of the year.",
    ),
    (
        "Magnolia Compounding Pharmacy",
        "pharmacy",
        "300 Capitol Street",
        "Jackson",
        "MS",
        ["community-pharmacy"],
        "A compounding pharmacy preparing custom medications.",
    ),
    (
        "Sandhills Physical Therapy",
        "practice",
        "12 Railroad Street",
        "Omaha",
        "NE",
        ["sports-and-musculoskeletal", "geriatrics"],
        "A small outpatient physical therapy practice.",
    ),
]

# email, first, last, role, organization name, extra
PEOPLE = [
    ("student@example.com", "Sam", "Rivera", Role.STUDENT, "Riverside College of Health"),
    ("site@example.com", "Morgan", "Diaz", Role.SITE_STAFF, "Mercy General Hospital"),
    ("mentor@example.com", "Robin", "Shah", Role.MENTOR, "Mercy General Hospital"),
    ("coordinator@example.com", "Casey", "Nguyen", Role.COORDINATOR, "Riverside College of Health"),
    ("admin@example.com", "Alex", "Morgan", Role.PLATFORM_STAFF, None),
]


def _slugify(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("’", ""))


def _school(name, city, state, verified, programs) -> tuple[School, int]:
    school, created = School.objects.get_or_create(
        slug=_slugify(name), defaults={"name": name, "city": city, "state": state, "verified": verified}
    )
    added = int(created)
    for program_name, discipline_slug in programs:
        _, program_created = Program.objects.get_or_create(
            school=school, name=program_name, defaults={"discipline": Discipline.objects.get(slug=discipline_slug)}
        )
        added += int(program_created)
    return school, added


def _site(row, verified) -> tuple[Site, int]:
    name, kind, address, city, state, specialty_slugs, description = row
    site, created = Site.objects.get_or_create(
        slug=_slugify(f"{name} {city}"),
        defaults={
            "name": name,
            "kind": kind,
            "address": address,
            "city": city,
            "state": state,
            "description": description,
            "verified": verified,
            "website": f"https://{_slugify(name)}.example",
        },
    )
    if created:
        site.specialties.set(Specialty.objects.filter(slug__in=specialty_slugs))
    return site, int(created)


def _user(email, first, last, role, school=None, site=None) -> tuple[User, bool]:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        if role == Role.PLATFORM_STAFF:
            user = User.objects.create_superuser(email, DEMO_PASSWORD, first_name=first, last_name=last)
        else:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, first_name=first, last_name=last, role=role, school=school, site=site
            )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


def demo_resume_pdf(name: str) -> bytes:
    """A small, valid one-page PDF resume (built by hand: no PDF library needed to write)."""
    lines = [
        (20, name),
        (12, "BSN Nursing student, Riverside College of Health, class of 2027"),
        (12, "Skills: BLS certified; vital signs and assessment; patient education; Spanish (conversational)"),
        (12, "Experience: Nursing assistant, Columbus Senior Living (2024 to 2025)"),
        (12, "Volunteer: Free clinic intake desk, weekends"),
    ]
    text = ["BT", "/F1 20 Tf", "72 720 Td"]
    for i, (size, line) in enumerate(lines):
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        if i:
            text += [f"/F1 {size} Tf", "0 -28 Td"]
        text.append(f"({safe}) Tj")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@transaction.atomic
def seed(*, stdout) -> dict:
    """Load schools, programs, sites and the demo logins. Returns counts of new rows."""
    counts = {"schools and programs": 0, "sites": 0, "people": 0}
    schools = {}
    for name, city, state, verified, programs in SCHOOLS:
        schools[name], added = _school(name, city, state, verified, programs)
        counts["schools and programs"] += added
    sites = {}
    for row in SITES:
        sites[row[0]], added = _site(row, verified=True)
        counts["sites"] += added
    for row in UNVERIFIED_SITES:
        sites[row[0]], added = _site(row, verified=False)
        counts["sites"] += added

    for email, first, last, role, org_name in PEOPLE:
        school = schools.get(org_name) if role in (Role.STUDENT, Role.COORDINATOR) else None
        site = sites.get(org_name) if role in (Role.SITE_STAFF, Role.MENTOR) else None
        user, created = _user(email, first, last, role, school=school, site=site)
        counts["people"] += int(created)
        if created:
            _profile(user)
    stdout.write(
        "Accounts demo data: "
        + ", ".join(f"{n} new {what}" for what, n in counts.items())
        + f" ({School.objects.count()} schools, {Site.objects.filter(verified=True).count()} verified sites)."
    )
    return counts


def _profile(user: User) -> None:
    """The profile of a demo login, written once when the login is created."""
    if user.role == Role.STUDENT:
        program = Program.objects.get(school=user.school, name="BSN Nursing")
        profile, _ = StudentProfile.objects.get_or_create(user=user)
        profile.program = program
        profile.discipline = program.discipline
        profile.graduation_year = timezone.localdate().year + 1
        profile.city, profile.state = "Columbus", "OH"
        profile.bio = (
            "Third-year nursing student drawn to cardiac and emergency care. I worked two years as a nursing "
            "assistant and want a placement where I can learn telemetry and patient education."
        )
        profile.skills = (
            "BLS certified\nVital signs and head-to-toe assessment\nPatient education\nSpanish (conversational)"
        )
        profile.resume.save("resume.pdf", ContentFile(demo_resume_pdf(user.display_name)), save=False)
        profile.resume_uploaded_at = timezone.now()
        profile.save()
        profile.specialties.set(
            Specialty.objects.filter(slug__in=["cardiology", "emergency-medicine", "critical-care"])
        )
    elif user.role == Role.SITE_STAFF:
        SiteStaffProfile.objects.get_or_create(user=user, defaults={"title": "Clinical education manager"})
    elif user.role == Role.MENTOR:
        MentorProfile.objects.get_or_create(
            user=user,
            defaults={
                "specialty": Specialty.objects.get(slug="cardiology"),
                "credentials": "RN, BSN, CCRN",
                "bio": "Charge nurse on the cardiac step-down unit; precepting students for eight years.",
            },
        )
    elif user.role == Role.COORDINATOR:
        CoordinatorProfile.objects.get_or_create(user=user, defaults={"title": "Clinical placement coordinator"})


LOGINS = [
    ("student@example.com", "student (Riverside College of Health, BSN Nursing)"),
    ("site@example.com", "site staff (Mercy General Hospital)"),
    ("mentor@example.com", "mentor (Mercy General Hospital)"),
    ("coordinator@example.com", "coordinator (Riverside College of Health)"),
    ("admin@example.com", "platform staff, Django admin at /admin/"),
]
