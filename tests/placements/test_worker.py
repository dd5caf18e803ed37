"""Notifications against the real thing: a Celery worker subprocess on Redis, PostgreSQL.

The worker runs `celery -A config worker` with the test settings, pointed at the very
test database pytest-django made (the data is committed: transaction=True), and with
CELERY_REAL_WORKER=1 so that it too sends what it enqueues to Redis. Every worker is
killed in `finally`, and every wait is bounded.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from accounts.models import Role, StudentProfile, User
from placements.models import Notification, NotificationKind, Posting
from tests import factories as f

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CELERY = str(Path(sys.executable).with_name("celery"))
ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _broker():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def _purge_broker():
    """Drop messages and unacknowledged deliveries other runs may have left behind."""
    client = _broker()
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def real_celery():
    """This process publishes to Redis instead of running tasks in-process."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _purge_broker()
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous
        _purge_broker()


@contextmanager
def worker(tmp_path, name, **env_extra):
    log = tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_REAL_WORKER": "1",
        "CELERY_VISIBILITY_TIMEOUT": "6",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        **{key: str(value) for key, value in env_extra.items()},
    }
    command = [
        CELERY, "-A", "config", "worker", "--loglevel=INFO", "--pool=prefork", "--concurrency=1",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h",
    ]  # fmt: skip
    with open(log, "wb") as out:
        # Its own process group, so SIGKILL reaches the pool child as well as the parent.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait(lambda: b"ready." in log.read_bytes() or process.poll() is not None, 60, f"{name} to start")
        assert process.poll() is None, f"worker {name} exited:\n{log.read_text()[-3000:]}"
        yield process
    finally:
        kill(process)


def kill(process):
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _matching_students(count: int, school) -> list[int]:
    """`count` students whose interests fit a nursing/cardiology posting in Ohio, made
    in bulk (factories would take minutes for hundreds)."""
    program = f.ProgramFactory(school=school)
    users = User.objects.bulk_create(
        User(email=f"fan{i}@example.org", role=Role.STUDENT, school=school, first_name="Fan", last_name=str(i))
        for i in range(count)
    )
    StudentProfile.objects.bulk_create(
        StudentProfile(user=u, program=program, discipline=program.discipline, state="OH") for u in users
    )
    cardiology = f.specialty("cardiology")
    StudentProfile.specialties.through.objects.bulk_create(
        StudentProfile.specialties.through(studentprofile_id=u.pk, specialty_id=cardiology.pk) for u in users
    )
    return [u.pk for u in users]


def _matches(posting) -> int:
    return Notification.objects.filter(kind=NotificationKind.POSTING_MATCH, object_id=posting.pk).count()


def test_worker_receives_the_fanout_of_a_publish_and_a_rolled_back_publish_sends_nothing(
    tmp_path, real_celery, school, site, site_staff
):
    from placements.services.postings import posting_publish

    students = _matching_students(30, school)
    draft = f.PostingFactory(site=site, status=Posting.Status.DRAFT, published_at=None)
    with worker(tmp_path, "w1"):
        try:
            with transaction.atomic():
                posting_publish(posting=draft, actor=site_staff)
                raise RuntimeError("the request failed after publishing")
        except RuntimeError:
            pass
        draft.refresh_from_db()
        assert draft.status == Posting.Status.DRAFT

        posting_publish(posting=draft, actor=site_staff)  # commits; the task goes to Redis
        _wait(lambda: _matches(draft) == len(students), 60, "the worker's fan-out")
        # The emails are their own tasks, sent by the same worker.
        _wait(
            lambda: not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists(),
            60,
            "the emails",
        )
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.EmailStatus.SENT}
    # Only the committed publish was ever heard of: exactly one notification each.
    assert Notification.objects.count() == len(students)


def test_worker_killed_mid_fanout_and_started_again_writes_each_notification_once(tmp_path, real_celery, school, site):
    from placements.tasks import posting_match_fanout_task

    students = _matching_students(600, school)
    posting = f.PostingFactory(site=site)
    slow = {"NOTIFY_FANOUT_BATCH_SIZE": 50, "NOTIFY_FANOUT_BATCH_PAUSE": 0.4}
    with worker(tmp_path, "doomed", **slow) as doomed:
        posting_match_fanout_task.delay(posting.pk)
        _wait(lambda: _matches(posting) >= 50, 60, "the first batches")
        os.killpg(doomed.pid, signal.SIGKILL)  # mid-task: the message is never acknowledged
        doomed.wait(timeout=30)
    written_before = _matches(posting)
    assert 0 < written_before < len(students), "the kill must land in the middle of the fan-out"

    # A new worker gets the unacknowledged message back after the visibility timeout and
    # runs the fan-out again; the unique key skips what the first one wrote.
    with worker(tmp_path, "second", **slow):
        _wait(lambda: _matches(posting) == len(students), 120, "the redelivered fan-out")
        _wait(
            lambda: not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists(),
            120,
            "the emails",
        )
        time.sleep(2)  # anything still running would show now
    per_student = dict(
        Notification.objects.filter(object_id=posting.pk)
        .values_list("recipient")
        .annotate(n=Count("id"))
        .values_list("recipient", "n")
    )
    assert set(per_student) == set(students)  # none lost
    assert set(per_student.values()) == {1}  # none doubled
