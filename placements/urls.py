from django.urls import path

from placements.views import dashboard

app_name = "placements"

urlpatterns: list = []
