import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("practicum")
# Every CELERY_* setting (broker, acks_late, the beat schedule) lives in settings.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
