import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.constants import US_STATES
from accounts.storage import private_upload_path


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    SITE_STAFF = "site_staff", "Site staff"
    MENTOR = "mentor", "Mentor"
    COORDINATOR = "coordinator", "Coordinator"
    PLATFORM_STAFF = "platform_staff", "Platform staff"


SCHOOL_ROLES = {Role.STUDENT, Role.COORDINATOR}
SITE_ROLES = {Role.SITE_STAFF, Role.MENTOR}


# --- Taxonomy -------------------------------------------------------------------------
class Discipline(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Specialty(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    # A specialty such as cardiology is practised by several disciplines.
    disciplines = models.ManyToManyField(Discipline, related_name="specialties", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self):
        return self.name


# --- Organizations --------------------------------------------------------------------
class School(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=US_STATES)
    website = models.URLField(blank=True)
    verified = models.BooleanField(default=False, help_text="Set by platform staff after checking the school.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Program(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=200, help_text='For example "BSN Nursing".')
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="programs")

    class Meta:
        ordering = ["school__name", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="program_unique_per_school")]

    def __str__(self):
        return f"{self.name} ({self.school.name})"


class Site(models.Model):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", "Hospital"
        CLINIC = "clinic", "Clinic"
        PHARMACY = "pharmacy", "Pharmacy"
        REHAB = "rehab", "Rehabilitation centre"
        LAB = "lab", "Laboratory"
        PRACTICE = "practice", "Private practice"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=US_STATES)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    specialties = models.ManyToManyField(Specialty, related_name="sites", blank=True)
    verified = models.BooleanField(default=False, help_text="Set by platform staff after checking the site.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "city"], name="site_state_city_idx")]

    def __str__(self):
        return self.name


# --- People ---------------------------------------------------------------------------
class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.PLATFORM_STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. One user has one role; the organization they belong to follows it.

    Students and coordinators belong to a school, site staff and mentors to a site. The
    role is empty only between sign-up and onboarding, and never changes afterwards.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="members")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(site__isnull=True), name="user_one_organization"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.get_full_name() or self.email

    @property
    def is_student(self):
        return self.role == Role.STUDENT

    @property
    def is_site_staff(self):
        return self.role == Role.SITE_STAFF

    @property
    def is_mentor(self):
        return self.role == Role.MENTOR

    @property
    def is_coordinator(self):
        return self.role == Role.COORDINATOR

    @property
    def is_platform_staff(self):
        return self.role == Role.PLATFORM_STAFF

    @property
    def needs_onboarding(self):
        return not self.role


class StudentProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="student_profile")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="students")
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    discipline = models.ForeignKey(Discipline, null=True, blank=True, on_delete=models.PROTECT)
    specialties = models.ManyToManyField(
        Specialty, blank=True, related_name="interested_students", verbose_name="specialties of interest"
    )
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    bio = models.TextField("short bio", blank=True, max_length=2000)
    skills = models.TextField(blank=True, max_length=2000, help_text="Clinical and other skills, one per line.")
    resume = models.FileField(upload_to=private_upload_path, blank=True)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["discipline", "state"], name="studentprofile_disc_state_idx")]

    def __str__(self):
        return f"Student profile of {self.user}"


class MentorProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="mentor_profile")
    specialty = models.ForeignKey(Specialty, null=True, blank=True, on_delete=models.PROTECT)
    credentials = models.CharField(max_length=200, blank=True, help_text='For example "RN, BSN, CCRN".')
    bio = models.TextField(blank=True, max_length=2000)

    def __str__(self):
        return f"Mentor profile of {self.user}"


class SiteStaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="site_staff_profile")
    title = models.CharField(max_length=120, blank=True)

    def __str__(self):
        return f"Site staff profile of {self.user}"


class CoordinatorProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="coordinator_profile")
    title = models.CharField(max_length=120, blank=True)

    def __str__(self):
        return f"Coordinator profile of {self.user}"


# --- Invitations ----------------------------------------------------------------------
def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class Invitation(models.Model):
    """A single-use link that lets one person join a school or site in one role."""

    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.SET_NULL)
    invited_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_sent")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False, site__isnull=True) | Q(school__isnull=True, site__isnull=False)),
                name="invitation_exactly_one_organization",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @property
    def organization(self):
        return self.school or self.site

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self):
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def status(self):
        """pending, accepted, revoked or expired."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"
