"""Each role keeps its own profile; site staff their site, coordinators their school."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Program, Specialty
from tests import factories as f


def test_student_fills_the_whole_profile(client_for, student, school):
    program = f.ProgramFactory(school=school, name="Accelerated BSN")
    cardiology, paediatrics = f.specialty("cardiology"), f.specialty("paediatrics")
    response = client_for(student).post(
        reverse("accounts:profile-edit"),
        {
            "first_name": "Sam",
            "last_name": "Lee",
            "program": program.pk,
            "graduation_year": 2027,
            "discipline": f.discipline("nursing").pk,
            "specialties": [cardiology.pk, paediatrics.pk],
            "city": "Dayton",
            "state": "OH",
            "bio": "I like night shifts.",
            "skills": "BLS certified\nSpanish (fluent)\n",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:student-profile", args=[student.pk])
    profile = student.student_profile
    profile.refresh_from_db()
    assert (profile.program, profile.graduation_year, profile.city, profile.state) == (program, 2027, "Dayton", "OH")
    assert set(profile.specialties.all()) == {cardiology, paediatrics}
    page = client_for(student).get(response["Location"]).content.decode()
    for text in ("Accelerated BSN", "class of 2027", "Dayton, OH", "I like night shifts.", "<li>Spanish (fluent)</li>"):
        assert text in page


def test_specialties_are_grouped_by_the_students_discipline(client_for, student):
    body = client_for(student).get(reverse("accounts:profile-edit")).content.decode()
    assert "Practised in nursing" in body and "Other specialties" in body
    assert body.index("Practised in nursing") < body.index("Cardiology") < body.index("Other specialties")
    assert body.index("Other specialties") < body.index("Hand therapy")


def test_student_cannot_pick_a_program_of_another_school(client_for, student, other_school):
    foreign = f.ProgramFactory(school=other_school)
    response = client_for(student).post(
        reverse("accounts:profile-edit"), {"first_name": "Sam", "last_name": "Lee", "program": foreign.pk}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        services.student_profile_update(
            user=student,
            program=foreign,
            graduation_year=None,
            discipline=None,
            specialties=[],
            city="",
            state="",
            bio="",
            skills="",
        )


def test_mentor_profile(client_for, mentor):
    response = client_for(mentor).post(
        reverse("accounts:profile-edit"),
        {
            "first_name": "Robin",
            "last_name": "Shah",
            "specialty": f.specialty("oncology").pk,
            "credentials": "RN, OCN",
            "bio": "Oncology charge nurse.",
        },
    )
    assert response.status_code == 302
    mentor.mentor_profile.refresh_from_db()
    assert (mentor.mentor_profile.specialty.slug, mentor.mentor_profile.credentials) == ("oncology", "RN, OCN")


@pytest.mark.parametrize("persona", ["site_staff", "coordinator"])
def test_site_staff_and_coordinators_keep_a_title(persona, personas, client_for):
    user = personas[persona]
    client_for(user).post(
        reverse("accounts:profile-edit"), {"first_name": "A", "last_name": "B", "title": "Director of education"}
    )
    user.refresh_from_db()
    profile = user.site_staff_profile if persona == "site_staff" else user.coordinator_profile
    assert (user.first_name, profile.title) == ("A", "Director of education")


def test_platform_staff_edit_their_name(client_for, platform_staff):
    client_for(platform_staff).post(reverse("accounts:profile-edit"), {"first_name": "Pat", "last_name": "Admin"})
    platform_staff.refresh_from_db()
    assert platform_staff.display_name == "Pat Admin"


def test_profile_page_queries_do_not_grow_with_specialties(client_for, student, django_assert_max_num_queries):
    client = client_for(student)
    url = reverse("accounts:student-profile", args=[student.pk])
    student.student_profile.specialties.set([f.specialty("cardiology")])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    student.student_profile.specialties.set(Specialty.objects.all()[:20])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- sites ----------------------------------------------------------------------------
def _site_data(site, **changes):
    data = {
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "city": site.city,
        "state": site.state,
        "postal_code": "44101",
        "phone": "216-555-0100",
        "website": "https://mercy.example",
        "description": "Teaching hospital.",
        "specialties": [f.specialty("cardiology").pk],
    }
    return {**data, **changes}


def test_site_staff_edit_their_site(client_for, site_staff, site):
    response = client_for(site_staff).post(reverse("accounts:site-edit"), _site_data(site, kind="clinic"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.kind, site.postal_code, site.description) == ("clinic", "44101", "Teaching hospital.")
    assert [s.slug for s in site.specialties.all()] == ["cardiology"]


def test_a_verified_site_keeps_its_name_but_a_pending_one_may_rename(client_for, site_staff, site):
    client_for(site_staff).post(reverse("accounts:site-edit"), _site_data(site, name="Totally Different"))
    site.refresh_from_db()
    assert site.name == "Mercy General Hospital"
    site.verified = False
    site.save()
    client_for(site_staff).post(reverse("accounts:site-edit"), _site_data(site, name="Mercy General (East)"))
    site.refresh_from_db()
    assert site.name == "Mercy General (East)"


def test_site_update_service_checks_membership(other_site_staff, site):
    with pytest.raises(PermissionDenied):
        services.site_update(site=site, by=other_site_staff, city="Nowhere")


# --- schools and programs -------------------------------------------------------------
def test_coordinator_edits_school_details_but_not_a_verified_name(client_for, coordinator, school):
    response = client_for(coordinator).post(
        reverse("accounts:school-edit"), {"name": "Renamed", "city": "Akron", "state": "OH", "website": ""}
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.name, school.city) == ("Riverside College of Health", "Akron")


def test_coordinator_adds_and_renames_programs(client_for, coordinator, school):
    client = client_for(coordinator)
    response = client.post(
        reverse("accounts:program-create"), {"name": "Doctor of Pharmacy", "discipline": f.discipline("pharmacy").pk}
    )
    assert response.status_code == 302
    program = Program.objects.get(school=school, name="Doctor of Pharmacy")
    response = client.post(
        reverse("accounts:program-create"), {"name": "doctor of pharmacy", "discipline": program.discipline_id}
    )
    assert response.status_code == 400 and "already has a program called" in response.content.decode()
    response = client.post(reverse("accounts:program-rename", args=[program.pk]), {"name": "PharmD"})
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "PharmD"
    page = client.get(reverse("accounts:school-edit")).content.decode()
    assert "PharmD" in page and "Pharmacy" in page


def test_renaming_to_an_existing_name_shows_the_error_at_that_program(client_for, coordinator, school):
    first = f.ProgramFactory(school=school, name="BSN Nursing")
    second = f.ProgramFactory(school=school, name="ADN Nursing")
    response = client_for(coordinator).post(
        reverse("accounts:program-rename", args=[second.pk]), {"name": "BSN Nursing"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="rename-{second.pk}-error"' in body and "already has a program called BSN Nursing" in body
    second.refresh_from_db()
    assert second.name == "ADN Nursing" and first.name == "BSN Nursing"
