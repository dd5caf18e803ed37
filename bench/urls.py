"""The project's URLs plus a minimal view, the yardstick the listing's throughput is
compared with: the same server, middleware and settings, no database and no template."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as project_urlpatterns


@require_GET
def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal, name="bench-minimal"), *project_urlpatterns]
