from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import healthz
from placements.views.dashboard import dashboard, home

# The admin login gets allauth's rate limits and protections too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Practicum administration"
admin.site.site_title = "Practicum admin"

urlpatterns = [
    path("", home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("placements.urls")),
    path("admin/", admin.site.urls),
]
