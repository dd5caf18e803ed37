from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.constants import US_STATES
from accounts.models import Discipline, Role, School, Site, Specialty
from accounts.storage import private_upload_path
from placements.fields import PostgresIdArrayField


# --- Postings -------------------------------------------------------------------------
class Posting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

    class Kind(models.TextChoices):
        INTERNSHIP = "internship", "Internship"
        EXTERNSHIP = "externship", "Externship"

    class WorkMode(models.TextChoices):
        ONSITE = "onsite", "On-site"
        HYBRID = "hybrid", "Hybrid"

    class StipendPeriod(models.TextChoices):
        HOUR = "hour", "per hour"
        WEEK = "week", "per week"
        MONTH = "month", "per month"
        TOTAL = "total", "for the placement"

    class CloseReason(models.TextChoices):
        DEADLINE = "deadline", "Application deadline passed"
        FILLED = "filled", "All slots filled"
        MANUAL = "manual", "Closed by the site"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="postings")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERNSHIP)
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="postings")
    specialties = models.ManyToManyField(Specialty, related_name="postings")
    description = models.TextField()
    duties = models.TextField("what the student will do")
    learning_objectives = models.TextField("what the student will learn")
    requirements = models.TextField(
        "compliance requirements", blank=True, help_text="Immunizations, background check, BLS, and so on."
    )
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=US_STATES)
    work_mode = models.CharField("on-site or hybrid", max_length=10, choices=WorkMode.choices, default=WorkMode.ONSITE)
    start_date = models.DateField()
    end_date = models.DateField()
    hours_per_week = models.PositiveSmallIntegerField()
    slots = models.PositiveSmallIntegerField(default=1)
    is_paid = models.BooleanField("paid", default=False)
    stipend_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    stipend_period = models.CharField(max_length=10, choices=StipendPeriod.choices, blank=True)
    application_deadline = models.DateField()
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_postings",
        limit_choices_to={"role": Role.MENTOR},
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    close_reason = models.CharField(max_length=12, choices=CloseReason.choices, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Weighted keyword index (title A; site and specialty names B; texts C), written only
    # by placements.services.search.posting_search_refresh; always NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The specialty ids, copied beside the filter columns by the same refresh, so the
    # listing's specialty filter and facet read one covering index instead of joining
    # the through table (PostgreSQL only; NULL on SQLite, which uses the join).
    specialty_ids = PostgresIdArrayField(null=True, editable=False)
    # The same ids as text ("3,17,40"): the facet counts group postings by their set of
    # specialties, and hashing a short text is twice as fast as hashing an array.
    specialty_key = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "application_deadline"], name="posting_status_deadline_idx"),
            models.Index(fields=["status", "-published_at"], name="posting_status_published_idx"),
            models.Index(fields=["status", "start_date"], name="posting_status_start_idx"),
            models.Index(fields=["discipline", "status"], name="posting_discipline_status_idx"),
            models.Index(fields=["state", "city"], name="posting_state_city_idx"),
            models.Index(fields=["site", "status"], name="posting_site_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="posting_end_after_start"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="posting_slots_at_least_one"),
        ]

    def __str__(self):
        return self.title


P = Posting.Status
# The status moves of a posting (draft -> published -> closed -> archived). A closed
# posting may be reopened only while its application deadline is still ahead, and a
# draft nobody needs may be archived; an archived posting is final (duplicate it to
# reuse it). placements/services/postings.py makes every move and checks this table.
POSTING_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (P.DRAFT, P.PUBLISHED),
        (P.PUBLISHED, P.CLOSED),
        (P.CLOSED, P.PUBLISHED),
        (P.CLOSED, P.ARCHIVED),
        (P.DRAFT, P.ARCHIVED),
    }
)
# Statuses anyone (also anonymous) may see; drafts and archived belong to the site.
POSTING_PUBLIC = frozenset({P.PUBLISHED, P.CLOSED})
# Statuses in which the site may still edit the posting's content.
POSTING_EDITABLE = frozenset({P.DRAFT, P.PUBLISHED, P.CLOSED})


# --- Applications ---------------------------------------------------------------------
class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        SHORTLISTED = "shortlisted", "Shortlisted"
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        APPROVED = "approved", "Approved"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REJECTED = "rejected", "Not selected"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Offer expired"
        DENIED = "denied", "Denied"
        CANCELLED = "cancelled", "Cancelled"

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="applications")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    cover_letter = models.TextField(max_length=6000)
    # A copy taken at submission, so a later profile change does not rewrite what the site saw.
    resume = models.FileField(upload_to=private_upload_path, blank=True)
    resume_name = models.CharField(max_length=200, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text="Why it was rejected, denied or cancelled; the student sees this."
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "student"], name="application_one_per_student_posting"),
        ]
        indexes = [
            models.Index(fields=["posting", "status"], name="application_posting_status_idx"),
            models.Index(fields=["student", "status"], name="application_student_status_idx"),
            models.Index(fields=["status", "offer_expires_at"], name="application_status_offer_idx"),
        ]

    def __str__(self):
        return f"{self.student} → {self.posting}"


S = Application.Status
# The one place that says which status moves exist and who may make them ("system" is
# a periodic task). Services consult it; nothing else decides a move.
SYSTEM = "system"
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.SUBMITTED, S.UNDER_REVIEW): frozenset({Role.SITE_STAFF}),
    (S.SUBMITTED, S.SHORTLISTED): frozenset({Role.SITE_STAFF}),
    (S.SUBMITTED, S.OFFERED): frozenset({Role.SITE_STAFF}),
    (S.SUBMITTED, S.REJECTED): frozenset({Role.SITE_STAFF}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({Role.STUDENT}),
    (S.UNDER_REVIEW, S.SHORTLISTED): frozenset({Role.SITE_STAFF}),
    (S.UNDER_REVIEW, S.OFFERED): frozenset({Role.SITE_STAFF}),
    (S.UNDER_REVIEW, S.REJECTED): frozenset({Role.SITE_STAFF}),
    (S.UNDER_REVIEW, S.WITHDRAWN): frozenset({Role.STUDENT}),
    (S.SHORTLISTED, S.OFFERED): frozenset({Role.SITE_STAFF}),
    (S.SHORTLISTED, S.REJECTED): frozenset({Role.SITE_STAFF}),
    (S.SHORTLISTED, S.WITHDRAWN): frozenset({Role.STUDENT}),
    (S.OFFERED, S.ACCEPTED): frozenset({Role.STUDENT}),
    (S.OFFERED, S.DECLINED): frozenset({Role.STUDENT}),
    (S.OFFERED, S.EXPIRED): frozenset({SYSTEM}),
    (S.OFFERED, S.WITHDRAWN): frozenset({Role.STUDENT}),
    (S.ACCEPTED, S.APPROVED): frozenset({Role.COORDINATOR}),
    (S.ACCEPTED, S.DENIED): frozenset({Role.COORDINATOR}),
    (S.ACCEPTED, S.WITHDRAWN): frozenset({Role.STUDENT}),
    (S.APPROVED, S.COMPLETED): frozenset({Role.SITE_STAFF, Role.MENTOR}),
    (S.APPROVED, S.CANCELLED): frozenset({Role.COORDINATOR, Role.SITE_STAFF}),
}
# Statuses that occupy one of the posting's slots.
HOLDS_SEAT = frozenset({S.OFFERED, S.ACCEPTED, S.APPROVED})
# Statuses from which nothing moves on.
FINAL = frozenset({S.COMPLETED, S.WITHDRAWN, S.REJECTED, S.DECLINED, S.EXPIRED, S.DENIED, S.CANCELLED})
# Statuses in which the application is still in play for the student.
ACTIVE = frozenset(set(S) - FINAL)


class ApplicationEvent(models.Model):
    """One status change: the audit trail and the notification outbox at once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    from_status = models.CharField(max_length=14, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=Application.Status.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the notifications for this event are written; a beat scan retries the rest.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at"], name="event_undispatched_idx", condition=Q(dispatched_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.from_status or '—'} → {self.to_status}"


class ApplicationNote(models.Model):
    """An internal note by site staff; students never see these."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Note on application {self.application_id}"


# --- Affiliation agreements -----------------------------------------------------------
class AffiliationAgreement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending signature"
        ACTIVE = "active", "Active"
        TERMINATED = "terminated", "Terminated"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreements")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="agreements")
    start_date = models.DateField()
    end_date = models.DateField()
    disciplines = models.ManyToManyField(Discipline, related_name="agreements")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    document = models.FileField(upload_to=private_upload_path, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site__name", "-end_date"]
        indexes = [
            models.Index(fields=["school", "site", "status"], name="agreement_school_site_idx"),
            models.Index(fields=["status", "end_date"], name="agreement_status_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="agreement_end_after_start"),
        ]

    def __str__(self):
        return f"{self.school} ↔ {self.site} ({self.start_date} – {self.end_date})"


# --- Saved postings and searches ------------------------------------------------------
class SavedPosting(models.Model):
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_postings")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="saved_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["student", "posting"], name="saved_posting_unique")]
        indexes = [models.Index(fields=["posting", "student"], name="saved_posting_posting_idx")]

    def __str__(self):
        return f"{self.student} saved {self.posting}"


class SavedSearch(models.Model):
    """A named search with an alert. `query` is the listing's query string (to reopen the
    search); the structured columns mirror it so a new posting can be matched in SQL."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=1000, blank=True)
    keyword = models.CharField(max_length=200, blank=True)
    discipline = models.ForeignKey(Discipline, null=True, blank=True, on_delete=models.CASCADE)
    specialties = models.ManyToManyField(Specialty, blank=True)
    kind = models.CharField(max_length=20, choices=Posting.Kind.choices, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    city = models.CharField(max_length=100, blank=True)
    work_mode = models.CharField(max_length=10, choices=Posting.WorkMode.choices, blank=True)
    site_kind = models.CharField(max_length=20, choices=Site.Kind.choices, blank=True)
    paid_only = models.BooleanField(default=False)
    alerts = models.BooleanField(default=True, help_text="Tell me when a new posting matches.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["student", "name"], name="saved_search_unique_name")]
        indexes = [models.Index(fields=["discipline", "state"], name="saved_search_disc_state_idx")]

    def __str__(self):
        return self.name


# --- Notifications --------------------------------------------------------------------
class NotificationKind(models.TextChoices):
    """What a notification is about; also the unit of a person's email preferences."""

    POSTING_MATCH = "posting_match", "New postings that fit you"
    APPLICATION_DEADLINE = "application_deadline", "Application deadlines coming up"
    APPLICATION_UPDATE = "application_update", "News about your applications"
    OFFER_DEADLINE = "offer_deadline", "Offers waiting for your answer"
    NEW_APPLICATION = "new_application", "New and withdrawn applications"
    APPLICANT_UPDATE = "applicant_update", "Answers and decisions on your applicants"
    APPROVAL_NEEDED = "approval_needed", "Placements waiting for your approval"
    AGREEMENT_EXPIRING = "agreement_expiring", "Affiliation agreements expiring"


K = NotificationKind
# Which kinds each role can receive: the preferences page shows these.
NOTIFICATION_KINDS_FOR_ROLE: dict[str, tuple[str, ...]] = {
    Role.STUDENT: (K.POSTING_MATCH, K.APPLICATION_DEADLINE, K.APPLICATION_UPDATE, K.OFFER_DEADLINE),
    Role.SITE_STAFF: (K.NEW_APPLICATION, K.APPLICANT_UPDATE, K.AGREEMENT_EXPIRING),
    Role.MENTOR: (K.APPLICANT_UPDATE,),
    Role.COORDINATOR: (K.APPROVAL_NEEDED, K.AGREEMENT_EXPIRING),
    Role.PLATFORM_STAFF: (),
}


class Notification(models.Model):
    """One thing one person is told, in the centre and (per their preference) by email.

    (recipient, kind, object_id, window) is unique, so however often a scan or a
    redelivered task runs, a person hears about one thing once. `object_id` is the id of
    the object the kind is about (a posting for matches and application deadlines, an
    agreement for agreement kinds, an application for the rest); `window` tells apart
    notices about one object that are meant to repeat: "3d:2026-05-04" for the 3-day
    reminder of that deadline, "event:<id>" for one status change.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DIGEST = "digest", "Waiting for the daily digest"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not emailed (in-app only)"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    object_id = models.PositiveBigIntegerField()
    window = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    body = models.CharField(max_length=500, blank=True)
    due_on = models.DateField(null=True, blank=True)
    # A default rather than auto_now_add, so the set-based INSERT ... SELECT can write it.
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_last_error = models.TextField(blank=True)
    # When the email was last handed to a worker; the outbox sweep re-enqueues emails
    # still pending long after that (their task died with its worker).
    email_queued_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "object_id", "window"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(fields=["object_id", "kind"], name="notification_object_idx"),
            models.Index(
                fields=["email_status", "email_queued_at"],
                condition=Q(email_status__in=["pending", "digest"]),
                name="notification_email_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How one person wants one kind by email. No row means the default: at once."""

    class Channel(models.TextChoices):
        INSTANT = "instant", "Email me at once"
        DIGEST = "digest", "One daily digest email"
        OFF = "off", "No email (in Practicum only)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.INSTANT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.channel}"
