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
