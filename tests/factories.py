"""factory_boy factories for every model; personas in conftest.py are built from these."""

import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import (
    CoordinatorProfile,
    Discipline,
    Invitation,
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
from placements.models import AffiliationAgreement, Application, Posting, SavedPosting, SavedSearch

PASSWORD = "practicum-test-pw"


def discipline(slug="nursing"):
    """Disciplines and specialties ship with a migration, so tests use the real rows."""
    return Discipline.objects.get(slug=slug)


def specialty(slug="cardiology"):
    return Specialty.objects.get(slug=slug)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Riverside College of Health {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "Columbus"
    state = "OH"
    verified = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"BSN Nursing {n}")
    discipline = factory.LazyFunction(discipline)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Mercy General Hospital {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Site.Kind.HOSPITAL
    address = "100 Main Street"
    city = "Cleveland"
    state = "OH"
    description = "A teaching hospital with a level I trauma centre."
    verified = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = "Rivera"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """allauth refuses log-in until the address is verified; personas are verified."""
        if create:
            obj.save()
            if extracted is not False:
                from allauth.account.models import EmailAddress

                EmailAddress.objects.update_or_create(
                    user=obj, email=obj.email, defaults={"verified": True, "primary": True}
                )


class StudentFactory(UserFactory):
    role = Role.STUDENT
    school = factory.SubFactory(SchoolFactory)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            program = Program.objects.filter(school=obj.school).first() or ProgramFactory(school=obj.school)
            StudentProfile.objects.get_or_create(
                user=obj,
                defaults={"program": program, "discipline": program.discipline, "graduation_year": 2027, "state": "OH"},
            )


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    school = factory.SubFactory(SchoolFactory)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            CoordinatorProfile.objects.get_or_create(user=obj, defaults={"title": "Clinical placement coordinator"})


class SiteStaffFactory(UserFactory):
    role = Role.SITE_STAFF
    site = factory.SubFactory(SiteFactory)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            SiteStaffProfile.objects.get_or_create(user=obj, defaults={"title": "Education manager"})


class MentorFactory(UserFactory):
    role = Role.MENTOR
    site = factory.SubFactory(SiteFactory)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            MentorProfile.objects.get_or_create(user=obj, defaults={"credentials": "RN, BSN"})


class PlatformStaffFactory(UserFactory):
    role = Role.PLATFORM_STAFF
    is_staff = True
    is_superuser = True


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.STUDENT
    invited_by = factory.SubFactory(CoordinatorFactory)
    school = factory.LazyAttribute(lambda o: o.invited_by.school)
    site = factory.LazyAttribute(lambda o: o.invited_by.site)


class PostingFactory(factory.django.DjangoModelFactory):
    """A published posting that opens for applications now and starts in two months."""

    class Meta:
        model = Posting
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    title = factory.Sequence(lambda n: f"Cardiac nursing internship {n}")
    kind = Posting.Kind.INTERNSHIP
    discipline = factory.LazyFunction(discipline)
    description = "Join our cardiac step-down unit for a supervised summer internship."
    duties = "Take vitals, assist with patient education, shadow the charge nurse."
    learning_objectives = "Telemetry basics, cardiac medications, discharge teaching."
    requirements = "Immunizations, background check, BLS certification."
    city = factory.LazyAttribute(lambda o: o.site.city)
    state = factory.LazyAttribute(lambda o: o.site.state)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=70))
    hours_per_week = 24
    slots = 2
    application_deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21))
    status = Posting.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def specialties(obj, create, extracted, **kwargs):
        if create:
            obj.specialties.set(extracted if extracted is not None else [specialty("cardiology")])


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    posting = factory.SubFactory(PostingFactory)
    student = factory.SubFactory(StudentFactory)
    cover_letter = "I am excited to learn cardiac nursing on your unit."


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AffiliationAgreement
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    site = factory.SubFactory(SiteFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=400))
    status = AffiliationAgreement.Status.ACTIVE

    @factory.post_generation
    def disciplines(obj, create, extracted, **kwargs):
        if create:
            obj.disciplines.set(extracted if extracted is not None else [discipline("nursing")])


class SavedPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedPosting

    student = factory.SubFactory(StudentFactory)
    posting = factory.SubFactory(PostingFactory)


class SavedSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSearch

    student = factory.SubFactory(StudentFactory)
    name = factory.Sequence(lambda n: f"Cardiology in Ohio {n}")
    discipline = factory.LazyFunction(discipline)
    state = "OH"
