"""How many reminders a real worker dispatches per second, on Huey's SQLite storage or on Redis.

    python -m bench.reminders                          # 20,000 reminders, SQLite database and queue
    python -m bench.reminders --storage redis --redis-url redis://127.0.0.1:6379/0
    python -m bench.reminders --database-url postgres://postgres@127.0.0.1:5432/kliento_bench_reminders

A fresh instance in a temporary directory (unless --database-url names a database, which is
migrated and filled): one organization, 20 members, the reminders all due, written in bulk. Then
`kliento worker` starts, one dispatch is queued through the storage, and the clock runs from the
queueing until every reminder is sent (the worker's start is not counted). The target is at least
200 reminders per second on either storage.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(var_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KLIENTO_TASKS_IMMEDIATE")}
    env.update(
        KLIENTO_VAR_DIR=str(var_dir), KLIENTO_LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="kliento.settings"
    )
    env["KLIENTO_DATABASE_URL"] = args.database_url or f"sqlite:///{var_dir / 'kliento.sqlite3'}"
    if args.storage == "redis":
        env["REDIS_URL"] = args.redis_url
    return env


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


SEED = """
import datetime
from django.core.management import call_command
from django.utils import timezone
from kliento.core.models import Membership, Organization, User
from kliento.core.tenancy import active_organization
from kliento.tasks.models import Reminder, Task
call_command("migrate", verbosity=0)
organization = Organization.objects.create(name="Reminder bench", slug="reminder-bench-%(stamp)s")
past = timezone.now() - datetime.timedelta(minutes=1)
with active_organization(organization.pk):
    users = [User.objects.create_user(f"r{n}-%(stamp)s@example.com") for n in range(20)]
    for user in users:
        Membership.objects.create(organization=organization, user=user)
    tasks = Task.objects.bulk_create(
        Task(organization=organization, title=f"Task {n}", assignee=users[n %% 20], due_at=past, due_key=past)
        for n in range(%(tasks)d)
    )
    Reminder.objects.bulk_create(
        (
            Reminder(
                organization=organization, task=tasks[n %% len(tasks)], minutes_before=n // len(tasks),
                remind_at=past,
            )
            for n in range(%(reminders)d)
        ),
        batch_size=2000,
    )
"""
QUEUE = "from kliento.tasks.tasks import dispatch_reminders_now; dispatch_reminders_now()"
LEFT = "from kliento.tasks.models import Reminder; print(Reminder.unscoped.exclude(state='sent').count())"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reminders", type=int, default=20_000)
    parser.add_argument("--storage", choices=("sqlite", "redis"), default="sqlite")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kliento-reminders-") as directory:
        env = _env(Path(directory), args)
        stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        tasks = max(1, args.reminders // 5)
        _python(SEED % {"stamp": stamp, "tasks": tasks, "reminders": args.reminders}, env)
        if args.storage == "redis":
            import redis

            redis.Redis.from_url(args.redis_url).delete("huey.redis.kliento")
        worker = subprocess.Popen([sys.executable, "-m", "kliento", "worker"], env=env, cwd=ROOT)
        try:
            time.sleep(3)  # the worker's start-up is not what is measured
            started = time.monotonic()
            _python(QUEUE, env)
            while int(_python(LEFT, env)) > 0:
                if time.monotonic() - started > args.timeout:
                    print("timed out", file=sys.stderr)
                    return 1
                time.sleep(0.25)
            elapsed = time.monotonic() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(
        f"{args.reminders} reminders dispatched in {elapsed:.1f} s: "
        f"{args.reminders / elapsed:.0f} reminders/s ({database} database, {args.storage} queue)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
