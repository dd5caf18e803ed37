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

# --- Applications, offers, approvals, agreements --------------------------------------
urlpatterns += []

# --- Notifications --------------------------------------------------------------------
urlpatterns += []
