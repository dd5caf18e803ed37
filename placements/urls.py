from django.urls import path  # noqa: F401

app_name = "placements"

# Each area adds its own block; keep them apart so parallel work does not collide.
urlpatterns: list = []

# --- Postings: browse, search, manage, saved items ------------------------------------
# (sub-block: browse and search, the posting and public site pages, saved items)
from placements.views import postings as _postings  # noqa: E402

urlpatterns += [
    path("postings/", _postings.posting_list, name="posting-list"),
    path("postings/<int:pk>/", _postings.posting_detail, name="posting-detail"),
    path("postings/<int:pk>/save/", _postings.posting_save, name="posting-save"),
    path("sites/<slug:slug>/", _postings.site_detail, name="site-detail"),
    path("saved/", _postings.saved_postings, name="saved-postings"),
    path("saved/searches/", _postings.saved_searches, name="saved-searches"),
    path("saved/searches/new/", _postings.saved_search_create_view, name="saved-search-create"),
    path("saved/searches/<int:pk>/edit/", _postings.saved_search_update_view, name="saved-search-update"),
    path("saved/searches/<int:pk>/delete/", _postings.saved_search_delete_view, name="saved-search-delete"),
]

# --- ... postings, manage (site staff: their site's postings and every status move) ----
from placements.views import posting_manage as _posting_manage  # noqa: E402

urlpatterns += [
    path("manage/postings/", _posting_manage.posting_manage_list, name="posting-manage-list"),
    path("manage/postings/new/", _posting_manage.posting_create, name="posting-create"),
    path("manage/postings/<int:pk>/edit/", _posting_manage.posting_edit, name="posting-edit"),
    path("manage/postings/<int:pk>/preview/", _posting_manage.posting_preview, name="posting-preview"),
    path("manage/postings/<int:pk>/publish/", _posting_manage.posting_publish, name="posting-publish"),
    path("manage/postings/<int:pk>/close/", _posting_manage.posting_close, name="posting-close"),
    path("manage/postings/<int:pk>/archive/", _posting_manage.posting_archive, name="posting-archive"),
    path("manage/postings/<int:pk>/duplicate/", _posting_manage.posting_duplicate, name="posting-duplicate"),
]

# --- Applications, offers, approvals, agreements --------------------------------------
# (sub-block: apply, the student's list, the application page, review, offers, answers)
from placements.views import applications as _applications  # noqa: E402

urlpatterns += [
    path("postings/<int:posting_pk>/apply/", _applications.application_create, name="application-create"),
    path("postings/<int:posting_pk>/applicants/", _applications.posting_applicants, name="posting-applicants"),
    path(
        "postings/<int:posting_pk>/applicants/bulk/",
        _applications.posting_applicants_bulk,
        name="posting-applicants-bulk",
    ),
    path(
        "postings/<int:posting_pk>/applicants/reject-remaining/",
        _applications.posting_applicants_reject_remaining,
        name="posting-applicants-reject-remaining",
    ),
    path("applications/", _applications.application_list_student, name="application-list-student"),
    path("applications/<int:pk>/", _applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/resume/", _applications.application_resume, name="application-resume"),
    path("applications/<int:pk>/withdraw/", _applications.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/accept/", _applications.application_accept, name="application-accept"),
    path("applications/<int:pk>/decline/", _applications.application_decline, name="application-decline"),
    path("applications/<int:pk>/review/", _applications.application_review, name="application-review"),
    path("applications/<int:pk>/shortlist/", _applications.application_shortlist, name="application-shortlist"),
    path("applications/<int:pk>/reject/", _applications.application_reject, name="application-reject"),
    path("applications/<int:pk>/offer/", _applications.application_offer, name="application-offer"),
    path("applications/<int:pk>/notes/", _applications.application_note_create, name="application-note-create"),
]

# --- ... agreements / approvals / dashboard (sub-block: affiliation agreements, the
# coordinator's approval queue and decisions, the placements export) -------------------
from placements.views import agreements as _agreements  # noqa: E402
from placements.views import approvals as _approvals  # noqa: E402
from placements.views import dashboard as _dashboard  # noqa: E402

urlpatterns += [
    path("agreements/", _agreements.agreement_list, name="agreement-list"),
    path("agreements/new/", _agreements.agreement_create_view, name="agreement-create"),
    path("agreements/sites/", _agreements.agreement_site_options, name="agreement-site-options"),
    path("agreements/<int:pk>/", _agreements.agreement_detail_view, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", _agreements.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/terminate/", _agreements.agreement_terminate_view, name="agreement-terminate"),
    path("agreements/<int:pk>/document/", _agreements.agreement_document, name="agreement-document"),
    path("approvals/", _approvals.approval_queue, name="approval-queue"),
    path("approvals/<int:pk>/", _approvals.approval_detail, name="approval-detail"),
    path("approvals/<int:pk>/approve/", _approvals.application_approve, name="application-approve"),
    path("approvals/<int:pk>/deny/", _approvals.application_deny, name="application-deny"),
    path("approvals/<int:pk>/cancel/", _approvals.application_cancel, name="application-cancel"),
    path("placements/export.csv", _dashboard.placements_export, name="placements-export"),
]

# --- Notifications --------------------------------------------------------------------
from placements.views import notifications as _notifications  # noqa: E402

urlpatterns += [
    path("notifications/", _notifications.notification_list, name="notification-list"),
    path("notifications/read-all/", _notifications.notification_read_all, name="notification-read-all"),
    path("notifications/preferences/", _notifications.notification_preferences, name="notification-preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        _notifications.notification_unsubscribe_view,
        name="notification-unsubscribe",
    ),
    path("notifications/<int:pk>/", _notifications.notification_open, name="notification-open"),
    path("notifications/<int:pk>/read/", _notifications.notification_read, name="notification-read"),
]
