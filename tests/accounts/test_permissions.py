"""Every accounts URL (and the project's own top-level ones) crossed with every persona."""

import pytest
from django.urls import reverse

from tests.matrix import Case, expect, params, run_case, url_names


def _student_url(name):
    return lambda w: reverse(name, args=[w["student"].pk])


# Who may see the student's profile and resume: the student, staff of the site they
# applied to, their school's coordinators, platform staff. Everyone else: 404.
_STUDENT_RECORD = expect(404, anonymous=302, student=200, coordinator=200, site_staff=200, platform_staff=200)
_INVITERS_ONLY = expect(
    403, anonymous=302, coordinator=200, other_coordinator=200, site_staff=200, other_site_staff=200
)

CASES = [
    # --- project top-level --------------------------------------------------------------
    Case("home", lambda w: reverse("home"), expect(302, anonymous=200)),
    Case("dashboard", lambda w: reverse("dashboard"), expect(200, anonymous=302)),
    Case("healthz", lambda w: reverse("healthz"), expect(200)),
    # --- onboarding: only for signed-in users without a role (tested in test_onboarding) --
    Case("accounts:onboarding", lambda w: reverse("accounts:onboarding"), expect(302)),
    Case("accounts:onboarding-student", lambda w: reverse("accounts:onboarding-student"), expect(302)),
    Case(
        "accounts:onboarding-student",
        lambda w: reverse("accounts:onboarding-student"),
        expect(302),
        method="post",
        data=lambda w: {"school": w["school"].pk, "program": w["program"].pk},
        label="cannot switch role",
    ),
    Case("accounts:onboarding-coordinator", lambda w: reverse("accounts:onboarding-coordinator"), expect(302)),
    Case(
        "accounts:onboarding-coordinator",
        lambda w: reverse("accounts:onboarding-coordinator"),
        expect(302),
        method="post",
        data=lambda w: {"name": "Sneaky College", "city": "Dayton", "state": "OH"},
        label="cannot create a school",
    ),
    Case("accounts:onboarding-site", lambda w: reverse("accounts:onboarding-site"), expect(302)),
    Case(
        "accounts:onboarding-programs",
        lambda w: reverse("accounts:onboarding-programs") + f"?school={w['school'].pk}",
        expect(200, anonymous=302),
    ),
    # --- profiles -------------------------------------------------------------------------
    Case("accounts:profile-edit", lambda w: reverse("accounts:profile-edit"), expect(200, anonymous=302)),
    Case(
        "accounts:profile-edit",
        lambda w: reverse("accounts:profile-edit"),
        expect(200, anonymous=302),
        method="post",
        data=lambda w: {"first_name": ""},
        label="invalid",
    ),
    Case(
        "accounts:resume-upload",
        lambda w: reverse("accounts:resume-upload"),
        expect(403, anonymous=302, student=400, other_student=400),
        method="post",
    ),
    Case(
        "accounts:resume-remove",
        lambda w: reverse("accounts:resume-remove"),
        expect(403, anonymous=302, student=302, other_student=302),
        method="post",
    ),
    Case("accounts:student-profile", _student_url("accounts:student-profile"), _STUDENT_RECORD),
    Case("accounts:resume-download", _student_url("accounts:resume-download"), _STUDENT_RECORD),
    # --- organizations --------------------------------------------------------------------
    Case(
        "accounts:site-edit",
        lambda w: reverse("accounts:site-edit"),
        expect(403, anonymous=302, site_staff=200, other_site_staff=200),
    ),
    Case(
        "accounts:school-edit",
        lambda w: reverse("accounts:school-edit"),
        expect(403, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Case(
        "accounts:program-create",
        lambda w: reverse("accounts:program-create"),
        expect(403, anonymous=302, coordinator=400, other_coordinator=400),
        method="post",
    ),
    Case(
        "accounts:program-rename",
        lambda w: reverse("accounts:program-rename", args=[w["program"].pk]),
        expect(403, anonymous=302, coordinator=302, other_coordinator=404),
        method="post",
        data=lambda w: {"name": "BSN Nursing (renamed)"},
    ),
    # --- invitations ----------------------------------------------------------------------
    Case("accounts:invitation-list", lambda w: reverse("accounts:invitation-list"), _INVITERS_ONLY),
    Case("accounts:invitation-create", lambda w: reverse("accounts:invitation-create"), _INVITERS_ONLY),
    Case(
        "accounts:invitation-revoke",
        lambda w: reverse("accounts:invitation-revoke", args=[w["school_invitation"].pk]),
        expect(403, anonymous=302, coordinator=302, other_coordinator=404, site_staff=404, other_site_staff=404),
        method="post",
        label="school invitation",
    ),
    Case(
        "accounts:invitation-revoke",
        lambda w: reverse("accounts:invitation-revoke", args=[w["site_invitation"].pk]),
        expect(403, anonymous=302, coordinator=404, other_coordinator=404, site_staff=302, other_site_staff=404),
        method="post",
        label="site invitation",
    ),
    # Anyone may open a link; only a role-less owner of the address can accept it.
    Case(
        "accounts:invitation-accept",
        lambda w: reverse("accounts:invitation-accept", args=[w["school_invitation"].token]),
        expect(403, anonymous=200),
    ),
    Case(
        "accounts:invitation-accept",
        lambda w: reverse("accounts:invitation-accept", args=[w["school_invitation"].token]),
        expect(403, anonymous=302),
        method="post",
        label="accept",
    ),
    Case(
        "accounts:invitation-accept",
        lambda w: reverse("accounts:invitation-accept", args=[w["used_invitation"].token]),
        expect(410),
        label="used link",
    ),
]
_PARAMS, _IDS = params(CASES)


def test_every_accounts_and_top_level_url_is_classified():
    names = url_names("accounts") | url_names(None)
    missing = names - {case.name for case in CASES}
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


@pytest.mark.parametrize(("case", "persona"), _PARAMS, ids=_IDS)
def test_permission_matrix(case, persona, world, personas, client_for):
    run_case(case, persona, world, personas, client_for)


def test_unknown_invitation_token_is_404(client, db):
    assert client.get(reverse("accounts:invitation-accept", args=["no-such-token"])).status_code == 404


def test_unknown_student_is_404_like_a_hidden_one(client_for, coordinator, db):
    assert client_for(coordinator).get(reverse("accounts:student-profile", args=[999999])).status_code == 404
    assert client_for(coordinator).get(reverse("accounts:resume-download", args=[999999])).status_code == 404
