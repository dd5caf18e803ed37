from django.urls import path  # noqa: F401

app_name = "placements"

# Each area adds its own block; keep them apart so parallel work does not collide.
urlpatterns: list = []

# --- Postings: browse, search, manage, saved items ------------------------------------
urlpatterns += []

# --- Applications, offers, approvals, agreements --------------------------------------
urlpatterns += []

# --- Notifications --------------------------------------------------------------------
urlpatterns += []
