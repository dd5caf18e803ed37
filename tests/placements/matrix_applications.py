"""Matrix rows for application, agreement and approval URLs (see tests/matrix.py)."""

from tests.matrix import Case  # noqa: F401

CASES: list = []


# --- agreements, approvals, dashboards ------------------------------------------------
# Agreements: the school's coordinators write, the site's staff read, everyone else 404
# (lists included). Approvals: the student's coordinator decides; parties who can see the
# application but not decide get 403; the world's application is only submitted, so the
# coordinator's decisions are refused with 409 (the permission passed, the rule did not).
import io as _io  # noqa: E402

from django.core.files.base import ContentFile as _ContentFile  # noqa: E402

from tests.matrix import expect as _expect  # noqa: E402


def _pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = _io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _agreement_with_document(world) -> str:
    agreement = world["agreement"]
    if not agreement.document:
        agreement.document.save("signed.pdf", _ContentFile(_pdf_bytes()), save=False)
        agreement.document_name = "signed.pdf"
        agreement.save()
    return f"/agreements/{agreement.pk}/document/"


def _agreement_data(world) -> dict:
    from accounts.models import Discipline

    return {
        "site": world["site"].pk,
        "start_date": "2026-01-01",
        "end_date": "2028-12-31",
        "disciplines": [Discipline.objects.get(slug="nursing").pk],
        "status": "active",
        "notes": "",
    }


_AGREEMENT_VIEW = _expect(
    404, anonymous=302, coordinator=200, other_coordinator=200, site_staff=200, other_site_staff=200
)
_AGREEMENT_WRITE = _expect(404, anonymous=302, coordinator=200, site_staff=403)
_COORDINATORS_ONLY = _expect(
    404, anonymous=302, coordinator=200, other_coordinator=200, site_staff=403, other_site_staff=403
)
_ONE_AGREEMENT = _expect(404, anonymous=302, coordinator=200, site_staff=200)
# The world's application: its student and its site's staff see it (403), the mentor
# sees it only once approved (404 now), other schools and sites 404.
_DECISION = _expect(404, anonymous=302, student=403, site_staff=403)


def _decision(code: int) -> dict:
    return {**_DECISION, "coordinator": code}


CASES += [  # noqa: F821
    Case("placements:agreement-list", lambda w: "/agreements/", _AGREEMENT_VIEW),
    Case("placements:agreement-create", lambda w: "/agreements/new/", _COORDINATORS_ONLY),
    Case(
        "placements:agreement-create",
        lambda w: "/agreements/new/",
        {**_COORDINATORS_ONLY, "coordinator": 302, "other_coordinator": 302},
        method="post",
        data=_agreement_data,
    ),
    Case("placements:agreement-site-options", lambda w: "/agreements/sites/?q=mercy", _COORDINATORS_ONLY),
    Case("placements:agreement-detail", lambda w: f"/agreements/{w['agreement'].pk}/", _ONE_AGREEMENT),
    Case("placements:agreement-edit", lambda w: f"/agreements/{w['agreement'].pk}/edit/", _AGREEMENT_WRITE),
    Case(
        "placements:agreement-edit",
        lambda w: f"/agreements/{w['agreement'].pk}/edit/",
        {**_AGREEMENT_WRITE, "coordinator": 302},
        method="post",
        data=_agreement_data,
    ),
    Case("placements:agreement-terminate", lambda w: f"/agreements/{w['agreement'].pk}/terminate/", _AGREEMENT_WRITE),
    Case(
        "placements:agreement-terminate",
        lambda w: f"/agreements/{w['agreement'].pk}/terminate/",
        {**_AGREEMENT_WRITE, "coordinator": 302},
        method="post",
        data=lambda w: {"reason": "Site closed the unit."},
    ),
    Case("placements:agreement-document", _agreement_with_document, _ONE_AGREEMENT),
    Case(
        "placements:agreement-document",
        lambda w: f"/agreements/{w['agreement'].pk}/document/",
        _expect(404, anonymous=302),
        label="without a document",
    ),
    Case(
        "placements:approval-queue",
        lambda w: "/approvals/",
        _expect(404, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Case("placements:approval-detail", lambda w: f"/approvals/{w['application'].pk}/", _decision(200)),
    Case(
        "placements:application-approve",
        lambda w: f"/approvals/{w['application'].pk}/approve/",
        _decision(409),
        method="post",
        data=lambda w: {"requirements_met": "on"},
    ),
    Case(
        "placements:application-deny",
        lambda w: f"/approvals/{w['application'].pk}/deny/",
        _decision(409),
        method="post",
        data=lambda w: {"deny-reason": "Compliance documents missing."},
    ),
    Case(
        "placements:application-cancel",
        lambda w: f"/approvals/{w['application'].pk}/cancel/",
        _decision(409),
        method="post",
        data=lambda w: {"cancel-reason": "Unit closed."},
    ),
    Case(
        "placements:placements-export",
        lambda w: "/placements/export.csv",
        _expect(404, anonymous=302, coordinator=200, other_coordinator=200),
    ),
]

# --- applications (apply, the student's list, review, offers, answers: h3a) ---------------
from django.core.files.base import ContentFile as _AppContentFile  # noqa: E402
from django.urls import reverse as _app_reverse  # noqa: E402

from placements.models import Application as _Application  # noqa: E402
from tests.matrix import expect as _app_expect  # noqa: E402
from tests.placements.applications_helpers import offer_deadline as _app_offer_deadline  # noqa: E402
from tests.placements.applications_helpers import pdf_bytes as _app_pdf_bytes  # noqa: E402
from tests.placements.applications_helpers import pdf_upload as _app_pdf_upload  # noqa: E402


def _app(name, key="application"):
    return lambda world: _app_reverse(f"placements:{name}", args=[world[key].pk])


def _with_resume(world):
    application = world["application"]
    if not application.resume:
        application.resume.save("resume.pdf", _AppContentFile(_app_pdf_bytes()), save=True)
        application.resume_name = "Sam Lee resume.pdf"
        application.save(update_fields=["resume_name"])
    return _app_reverse("placements:application-resume", args=[application.pk])


def _approved_detail(world):
    _Application.objects.filter(pk=world["application"].pk).update(status=_Application.Status.APPROVED)
    return _app_reverse("placements:application-detail", args=[world["application"].pk])


def _apply_data(world):
    return {"cover_letter": "I would love to learn here.", "resume_source": "upload", "resume": _app_pdf_upload()}


_SEEN = lambda world: {"expected_from": "submitted"}  # noqa: E731
# The application of `student` to a posting of `site`: the student, the site's staff and
# the student's coordinator see it; the others get 404 exactly as for a missing one.
_APP_READ = _app_expect(404, anonymous=302, student=200, coordinator=200, site_staff=200)
# The student acts on it; the site's staff and the coordinator see it but may not (403).
_APP_STUDENT_GET = _app_expect(404, anonymous=302, student=200, coordinator=403, site_staff=403)
_APP_STUDENT_POST = _app_expect(404, anonymous=302, student=302, coordinator=403, site_staff=403)
_APP_SITE_POST = _app_expect(404, anonymous=302, student=403, coordinator=403, site_staff=302)
# A published posting: only students apply (the others may see the posting: 403).
_APPLY = _app_expect(403, anonymous=302, student=200, other_student=200)
_APPLICANTS = _app_expect(404, anonymous=302, site_staff=200, mentor=403)
_APPLICANTS_POST = _app_expect(404, anonymous=302, site_staff=302, mentor=403)

CASES += [
    Case("placements:application-create", _app("application-create", "published"), _APPLY, label="published"),
    Case(
        "placements:application-create",
        _app("application-create", "draft"),
        _app_expect(404, anonymous=302, site_staff=403, platform_staff=403),
        label="draft",
    ),
    Case(
        "placements:application-create",
        _app("application-create", "published"),
        _app_expect(403, anonymous=302, student=302, other_student=302),
        method="post",
        data=_apply_data,
        label="submit",
    ),
    Case(
        "placements:application-list-student",
        lambda world: _app_reverse("placements:application-list-student"),
        _app_expect(403, anonymous=302, student=200, other_student=200),
    ),
    Case("placements:application-detail", _app("application-detail"), _APP_READ),
    Case(
        "placements:application-detail",
        _approved_detail,
        _app_expect(404, anonymous=302, student=200, coordinator=200, site_staff=200, mentor=200),
        label="approved (the posting's mentor sees it)",
    ),
    Case("placements:application-resume", _with_resume, _APP_READ),
    Case("placements:application-withdraw", _app("application-withdraw"), _APP_STUDENT_GET),
    Case(
        "placements:application-withdraw",
        _app("application-withdraw"),
        _APP_STUDENT_POST,
        method="post",
        data=_SEEN,
        label="confirmed",
    ),
    Case("placements:application-accept", _app("application-accept"), _APP_STUDENT_POST, method="post", data=_SEEN),
    Case(
        "placements:application-decline",
        _app("application-decline"),
        _app_expect(404, anonymous=302, student=302, coordinator=403, site_staff=403),
        label="nothing to decline: back to the page",
    ),
    Case(
        "placements:application-decline",
        _app("application-decline"),
        _APP_STUDENT_POST,
        method="post",
        data=_SEEN,
        label="confirmed",
    ),
    Case("placements:application-review", _app("application-review"), _APP_SITE_POST, method="post", data=_SEEN),
    Case("placements:application-shortlist", _app("application-shortlist"), _APP_SITE_POST, method="post", data=_SEEN),
    Case(
        "placements:application-reject",
        _app("application-reject"),
        _APP_SITE_POST,
        method="post",
        data=lambda world: {"expected_from": "submitted", "reason": "We chose students with ICU experience."},
    ),
    Case(
        "placements:application-offer",
        _app("application-offer"),
        _APP_SITE_POST,
        method="post",
        data=lambda world: {"expected_from": "submitted", "expires_at": _app_offer_deadline()},
    ),
    Case(
        "placements:application-note-create",
        _app("application-note-create"),
        _APP_SITE_POST,
        method="post",
        data=lambda world: {"body": "Strong cardiac background."},
    ),
    Case("placements:posting-applicants", _app("posting-applicants", "published"), _APPLICANTS),
    Case(
        "placements:posting-applicants",
        _app("posting-applicants", "other_published"),
        _app_expect(404, anonymous=302, other_site_staff=200),
        label="other site's posting",
    ),
    Case(
        "placements:posting-applicants-bulk",
        _app("posting-applicants-bulk", "published"),
        _APPLICANTS_POST,
        method="post",
        data=lambda world: {
            "action": "under_review",
            "applications": [world["application"].pk],
            f"seen-{world['application'].pk}": "submitted",
        },
    ),
    Case(
        "placements:posting-applicants-reject-remaining",
        _app("posting-applicants-reject-remaining", "published"),
        _APPLICANTS_POST,
        method="post",
        data=lambda world: {"reason": "All places are filled."},
    ),
]
