from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import (
    CoordinatorProfile,
    Discipline,
    Invitation,
    MentorProfile,
    Program,
    School,
    Site,
    SiteStaffProfile,
    Specialty,
    StudentProfile,
    User,
)


# --- Taxonomy -------------------------------------------------------------------------
@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "n_specialties"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_specialties=Count("specialties"))

    @admin.display(description="specialties", ordering="n_specialties")
    def n_specialties(self, obj):
        return obj.n_specialties


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    list_filter = ["disciplines"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["disciplines"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            from placements.services.search import posting_search_refresh_for_specialties

            # Specialty names are part of the postings' keyword index.
            posting_search_refresh_for_specialties(specialty_ids=[obj.pk])


# --- Organizations --------------------------------------------------------------------
class _VerifyActions:
    """Verify / unverify actions for schools and sites (platform staff's job)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Verify the selected %(verbose_name_plural)s")
    def verify(self, request, queryset):
        updated = queryset.filter(verified=False).update(verified=True)
        self.message_user(
            request,
            ngettext("%d was verified.", "%d were verified.", updated) % updated,
            messages.SUCCESS,
        )

    @admin.action(description="Withdraw verification of the selected %(verbose_name_plural)s")
    def unverify(self, request, queryset):
        updated = queryset.filter(verified=True).update(verified=False)
        self.message_user(
            request,
            ngettext("%d is no longer verified.", "%d are no longer verified.", updated) % updated,
            messages.WARNING,
        )


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0
    fields = ["name", "discipline"]


@admin.register(School)
class SchoolAdmin(_VerifyActions, admin.ModelAdmin):
    list_display = ["name", "city", "state", "verified", "n_programs", "n_members", "created_at"]
    list_filter = ["verified", "state"]
    search_fields = ["name", "city", "website"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "created_at"
    inlines = [ProgramInline]
    actions = ["verify", "unverify"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_programs=Count("programs", distinct=True), n_members=Count("members", distinct=True))
        )

    @admin.display(description="programs", ordering="n_programs")
    def n_programs(self, obj):
        return obj.n_programs

    @admin.display(description="members", ordering="n_members")
    def n_members(self, obj):
        return obj.n_members


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "discipline"]
    list_filter = ["discipline", "school__verified"]
    search_fields = ["name", "school__name"]
    autocomplete_fields = ["school"]
    list_select_related = ["school", "discipline"]


@admin.register(Site)
class SiteAdmin(_VerifyActions, admin.ModelAdmin):
    list_display = ["name", "kind", "city", "state", "verified", "n_members", "created_at"]
    list_filter = ["verified", "kind", "state", "specialties"]
    search_fields = ["name", "city", "address", "postal_code", "website"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["specialties"]
    date_hierarchy = "created_at"
    actions = ["verify", "unverify"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("members", distinct=True))

    @admin.display(description="members", ordering="n_members")
    def n_members(self, obj):
        return obj.n_members

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            from placements.services.search import posting_search_refresh_for_sites

            # Renaming a site is platform staff's job; its name is in the keyword index.
            posting_search_refresh_for_sites(site_ids=[obj.pk])


# --- People ---------------------------------------------------------------------------
@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "school", "site", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name", "school__name", "site__name"]
    list_select_related = ["school", "site"]
    autocomplete_fields = ["school", "site"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name"]}),
        (
            "Role",
            {
                "fields": ["role", "school", "site"],
                "description": "One user, one role; it does not change after onboarding.",
            },
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "discipline", "graduation_year", "state", "has_resume"]
    list_filter = ["discipline", "graduation_year", "state"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "program__name", "city"]
    autocomplete_fields = ["user", "program"]
    filter_horizontal = ["specialties"]
    list_select_related = ["user", "program", "program__school", "discipline"]
    # The resume is a private file: the admin shows that one exists, never a link to it.
    exclude = ["resume"]
    readonly_fields = ["resume_uploaded_at"]

    @admin.display(boolean=True, description="resume")
    def has_resume(self, obj):
        return bool(obj.resume)


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "specialty", "credentials"]
    list_filter = ["specialty"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "credentials"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "specialty"]


@admin.register(SiteStaffProfile)
class SiteStaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "site"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "title", "user__site__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "user__site"]

    @admin.display(ordering="user__site__name")
    def site(self, obj):
        return obj.user.site


@admin.register(CoordinatorProfile)
class CoordinatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "school"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "title", "user__school__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "user__school"]

    @admin.display(ordering="user__school__name")
    def school(self, obj):
        return obj.user.school


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "school", "site", "invited_by", "status", "created_at", "expires_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "school__name", "site__name", "invited_by__email"]
    list_select_related = ["school", "site", "invited_by"]
    autocomplete_fields = ["school", "site", "program", "invited_by", "accepted_by"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by"]
    date_hierarchy = "created_at"
    actions = ["revoke"]

    @admin.display(description="status")
    def status(self, obj):
        return obj.status

    @admin.action(description="Revoke the selected pending invitations")
    def revoke(self, request, queryset):
        updated = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, ngettext("%d invitation revoked.", "%d invitations revoked.", updated) % updated)
