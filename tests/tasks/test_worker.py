"""Exactly-once reminders with a real worker process (`kliento worker`) on each of Huey's storages:
the worker is killed (SIGKILL) while it dispatches, started again, and every reminder is delivered
exactly once.

The worker and the test share the test database (committed rows: a transactional test), and the
dispatch is queued through the storage as an operator's would be."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from kliento.core.tenancy import active_organization
from kliento.notifications.models import Notification
from kliento.tasks.models import Reminder
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.tasks.factories import TaskFactory

ROOT = Path(__file__).resolve().parents[2]
REMINDERS_PER_ORGANIZATION = 2500
# The suite's own Redis (the Makefile's REDIS_TEST_URL), whatever database the run was given.
REDIS_URL = os.environ.get("REDIS_TEST_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = quote(settings.get("USER") or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


@pytest.fixture(params=["sqlite", "redis"])
def storage_env(request, tmp_path) -> dict[str, str]:
    """The environment of a worker (and of whoever queues for it) on one Huey storage."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "KLIENTO_TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        KLIENTO_DATABASE_URL=_database_url(),
        KLIENTO_VAR_DIR=str(tmp_path),
        KLIENTO_REMINDER_LEASE_SECONDS="3",
        KLIENTO_LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip(f"Redis is unreachable at {REDIS_URL}")
        import redis

        queue = redis.Redis.from_url(REDIS_URL)
        # Only the queue's keys: the tests' cache may share this database.
        stale = list(queue.scan_iter("huey.*kliento*"))
        if stale:
            queue.delete(*stale)
        env["REDIS_URL"] = REDIS_URL
    return env


def _start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kliento", "worker", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _queue_dispatch(env: dict[str, str]) -> None:
    code = (
        "import django; django.setup(); "
        "from kliento.tasks.tasks import dispatch_reminders_now; dispatch_reminders_now()"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "kliento.settings"},
        cwd=ROOT,
        check=True,
        timeout=60,
    )


def _wait_for(condition, *, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def _states() -> dict[str, int]:
    rows = Reminder.unscoped.values("state").annotate(count=Count("id"))
    return {row["state"]: row["count"] for row in rows}


def _make_reminders(total_per_organization: int) -> int:
    past = timezone.now() - datetime.timedelta(minutes=1)
    made = 0
    for name in ("Acme", "Globex"):
        organization = OrganizationFactory(name=name)
        member = MembershipFactory(organization=organization, user=UserFactory())
        with active_organization(organization.pk):
            tasks = [
                TaskFactory(organization=organization, assignee=member.user, due_at=past) for _ in range(30)
            ]
            Reminder.objects.bulk_create(
                Reminder(
                    organization_id=organization.pk,
                    task=tasks[index % len(tasks)],
                    minutes_before=index // len(tasks),
                    remind_at=past,
                )
                for index in range(total_per_organization)
            )
        made += total_per_organization
    return made


@pytest.mark.django_db(transaction=True)
def test_every_reminder_is_delivered_exactly_once_across_a_killed_worker(storage_env):
    total = _make_reminders(REMINDERS_PER_ORGANIZATION)
    worker = _start_worker(storage_env)
    try:
        _queue_dispatch(storage_env)
        # Kill it while a batch is claimed and others are already sent.
        in_flight = _wait_for(
            lambda: _states().get("sent", 0) > 0 and _states().get("sending", 0) > 0,
            timeout=90,
            interval=0.005,
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        interrupted = _states()
        assert in_flight, f"the worker never had a batch in flight: {interrupted}"
        assert interrupted.get("sent", 0) < total

        worker = _start_worker(storage_env)
        time.sleep(3.5)  # the dead worker's lease runs out
        _queue_dispatch(storage_env)
        assert _wait_for(lambda: _states() == {"sent": total}, timeout=120, interval=0.2), _states()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

    delivered = Notification.unscoped.filter(kind="task_reminder")
    assert delivered.count() == total
    per_reminder = {key.rsplit(":", 1)[0] for key in delivered.values_list("source_key", flat=True)}
    assert len(per_reminder) == total
    assert set(Reminder.unscoped.values_list("state", flat=True)) == {Reminder.State.SENT}
