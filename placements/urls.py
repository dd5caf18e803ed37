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
urlpatterns += []

# --- Notifications --------------------------------------------------------------------
urlpatterns += []
