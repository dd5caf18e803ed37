"""Django admin for placements. Status columns are read-only here: every status change
goes through its service (placements/services), which checks the transitions table and
writes the event row; an admin edit would bypass both."""

from django.contrib import admin
from django.db.models import Count

from placements.models import (
    AffiliationAgreement,
    Application,
    ApplicationEvent,
    ApplicationNote,
    Posting,
    SavedPosting,
    SavedSearch,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Postings -------------------------------------------------------------------------
@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "site",
        "discipline",
        "kind",
        "state",
        "status",
        "slots",
        "n_applications",
        "application_deadline",
        "start_date",
    ]
    list_filter = ["status", "kind", "work_mode", "is_paid", "discipline", "state", "site__kind"]
    search_fields = ["title", "description", "site__name", "city"]
    list_select_related = ["site", "discipline"]
    autocomplete_fields = ["site", "mentor", "created_by"]
    filter_horizontal = ["specialties"]
    date_hierarchy = "application_deadline"
    readonly_fields = ["status", "close_reason", "published_at", "closed_at", "created_at", "updated_at"]
    exclude = ["search_vector"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_applications=Count("applications"))

    @admin.display(description="applications", ordering="n_applications")
    def n_applications(self, obj):
        return obj.n_applications


# --- Applications ---------------------------------------------------------------------
class ApplicationEventInline(_ReadOnlyInline):
    model = ApplicationEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason", "dispatched_at"]
    readonly_fields = fields


class ApplicationNoteInline(_ReadOnlyInline):
    model = ApplicationNote
    fields = ["created_at", "author", "body"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["student", "posting", "site", "status", "submitted_at", "status_changed_at", "offer_expires_at"]
    list_filter = ["status", "posting__discipline", "posting__site__state"]
    search_fields = [
        "student__email",
        "student__first_name",
        "student__last_name",
        "posting__title",
        "posting__site__name",
    ]
    list_select_related = ["student", "posting", "posting__site"]
    autocomplete_fields = ["student", "posting"]
    date_hierarchy = "submitted_at"
    # The resume copy is a private file: no link to it from here.
    exclude = ["resume"]
    readonly_fields = ["status", "offer_expires_at", "submitted_at", "status_changed_at", "resume_name"]
    inlines = [ApplicationEventInline, ApplicationNoteInline]

    @admin.display(ordering="posting__site__name")
    def site(self, obj):
        return obj.posting.site


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only, never edited or deleted by hand."""

    list_display = ["created_at", "application", "from_status", "to_status", "actor", "dispatched_at"]
    list_filter = ["to_status", "from_status", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["application__student__email", "application__posting__title", "actor__email", "reason"]
    list_select_related = ["application", "application__student", "application__posting", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationNote)
class ApplicationNoteAdmin(admin.ModelAdmin):
    list_display = ["application", "author", "created_at"]
    search_fields = ["body", "author__email", "application__posting__title"]
    list_select_related = ["application", "application__student", "application__posting", "author"]
    raw_id_fields = ["application"]
    autocomplete_fields = ["author"]
    date_hierarchy = "created_at"


# --- Affiliation agreements -----------------------------------------------------------
@admin.register(AffiliationAgreement)
class AffiliationAgreementAdmin(admin.ModelAdmin):
    list_display = ["school", "site", "status", "start_date", "end_date"]
    list_filter = ["status", "disciplines", "site__state"]
    search_fields = ["school__name", "site__name", "notes"]
    list_select_related = ["school", "site"]
    autocomplete_fields = ["school", "site", "created_by"]
    filter_horizontal = ["disciplines"]
    date_hierarchy = "end_date"
    # The signed document is a private file: no link to it from here.
    exclude = ["document"]
    readonly_fields = ["document_name", "created_at", "updated_at"]


# --- Saved postings and searches ------------------------------------------------------
@admin.register(SavedPosting)
class SavedPostingAdmin(admin.ModelAdmin):
    list_display = ["student", "posting", "created_at"]
    search_fields = ["student__email", "posting__title"]
    list_select_related = ["student", "posting"]
    autocomplete_fields = ["student", "posting"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "student", "discipline", "state", "alerts", "created_at"]
    list_filter = ["alerts", "discipline", "state"]
    search_fields = ["name", "keyword", "student__email"]
    list_select_related = ["student", "discipline"]
    autocomplete_fields = ["student"]
    filter_horizontal = ["specialties"]


# --- Notifications --------------------------------------------------------------------
from placements.models import Notification, NotificationPreference  # noqa: E402


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the services; here staff see what was said
    to whom and how its email fared (attempts, last error of a failed one)."""

    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_status", "email_attempts"]
    list_filter = ["kind", "email_status"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "updated_at"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
