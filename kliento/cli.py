"""The `kliento` command: set up, serve, run the worker, load demo data, manage organizations.

Anything it does not know is handed to Django's management commands (`kliento migrate`, …).
"""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from collections.abc import Sequence

COMMANDS_HELP = """\
commands:
  init        migrate the database and create the first organization and its owner (safe to run twice)
  serve       serve the web app and API with granian (workers = cores by default)
  worker      run the background worker (Huey consumer)
  demo        load deterministic demo data (into the demo organization, or --org SLUG)
  createuser  create a user who can sign in
  org create  create another organization on this installation
  apikey create
              create an API key for an organization and print it once
  anything else is passed to Django's management commands (e.g. `kliento migrate`, `kliento shell`)
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _ask(prompt: str, given: str | None, *, secret: bool = False) -> str:
    if given:
        return given
    if not sys.stdin.isatty():
        raise SystemExit(f"kliento: {prompt.strip(': ')} is required (no terminal to ask on).")
    value = getpass.getpass(prompt) if secret else input(prompt)
    if not value.strip():
        raise SystemExit(f"kliento: {prompt.strip(': ')} is required.")
    return value.strip()


def cmd_init(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    from kliento.core.models import Organization, User
    from kliento.core.services import create_organization, create_user

    if Organization.objects.exists() and not args.org:
        print("Kliento is set up: the database is migrated and an organization exists.")
        return 0
    name = _ask("Organization name: ", args.org)
    email = _ask("Owner email: ", args.email).lower()
    existing_org = Organization.objects.filter(name=name).first()
    if existing_org is not None:
        print(f"Organization {existing_org.name!r} ({existing_org.slug}) exists already; nothing to do.")
        return 0
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        password = _ask("Owner password: ", args.password, secret=True)
        user = create_user(email=email, password=password, full_name=args.name or "")
    organization = create_organization(name=name, owner=user)
    print(f"Created organization {organization.name!r} ({organization.slug}) with owner {user.email}.")
    return 0


def _close_database_connections() -> None:
    """Drop the parent's connections and pool, whose threads would not survive the fork into workers."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    _migrate()
    _close_database_connections()
    from granian import Granian
    from granian.constants import Interfaces

    workers = args.workers or os.cpu_count() or 1
    worker_process = None
    if args.with_worker:
        worker_process = subprocess.Popen([sys.executable, "-m", "kliento", "worker"])
    print(f"Kliento is serving on http://{args.host}:{args.port} with {workers} worker(s).", flush=True)
    try:
        Granian(
            "kliento.wsgi:application",
            address=args.host,
            port=args.port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=args.threads,
            log_access=args.access_log,
            # One crashed worker (killed, out of memory) must not stop the others: granian
            # otherwise shuts the whole server down when a worker exits unexpectedly.
            respawn_failed_workers=True,
        ).serve()
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(timeout=10)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("run_huey", workers=args.workers)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.what == "calls":
        return cmd_demo_calls(args)
    sizes = {name: getattr(args, name) for name in args.size_names}
    negative = [f"--{name}" for name, value in sizes.items() if value < 0]
    if negative:
        print(f"kliento: {' and '.join(negative)} must be 0 or more", file=sys.stderr)
        return 2
    _setup_django()
    _migrate()
    from kliento.demo.generate import DEMO_PASSWORD, load_demo

    result = load_demo(organization_slug=args.org, seed=args.seed, users=args.users, **sizes)
    where = f"{result.organization.name!r} ({result.organization.slug})"
    if result.added_anything:
        print(f"Demo data loaded into {where}.")
    else:
        print(f"Demo data already present in {where}, kept as is.")
    for line in result.summary_lines():
        print(f"  {line}")
    if result.published_password:
        print(f"Sign in as {result.owner_email} with password {DEMO_PASSWORD}")
    else:
        print(
            "The demo members of this organization have no password and cannot sign in"
            f" ({len(result.created_users)} created now). To let one in, set a password with"
            " `kliento changepassword EMAIL`."
        )
    return 0


def cmd_demo_calls(args: argparse.Namespace) -> int:
    """Ring calls into a running instance through its telephony webhook, signed as the provider would."""
    _setup_django()
    import random

    from kliento.activities.demo import play_calls
    from kliento.core.models import Organization
    from kliento.demo.generate import DEMO_ORGANIZATION

    slug = args.org or DEMO_ORGANIZATION["slug"]
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        print(f"kliento: no organization {slug!r}; run `kliento demo` first", file=sys.stderr)
        return 2
    print(f"Ringing {args.calls} calls into {args.url} for {organization.name!r}.")
    print(f"Sign in and open {args.url}/calls/ to watch them pop up.")
    for line in play_calls(
        base_url=args.url, organization=organization, count=args.calls, pause=args.pause, rng=random.Random()
    ):
        print(f"  {line}")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    _setup_django()
    from django.db import transaction

    from kliento.core.errors import DomainError
    from kliento.core.models import Organization
    from kliento.core.services import add_member, create_user

    organization = Organization.objects.filter(slug=args.org).first() if args.org else None
    if args.org and organization is None:  # checked first: a refusal leaves no user behind
        print(f"kliento: no organization {args.org!r}", file=sys.stderr)
        return 2
    email = _ask("Email: ", args.email)
    password = _ask("Password: ", args.password, secret=True)
    try:
        with transaction.atomic():
            user = create_user(email=email, password=password, full_name=args.name or "")
            if organization is not None:
                add_member(organization=organization, user=user, role=args.role)
    except DomainError as error:
        print(f"kliento: {error.message}", file=sys.stderr)
        return 2
    print(f"Created user {user.email}.")
    return 0


def cmd_org(args: argparse.Namespace) -> int:
    _setup_django()
    from kliento.core.models import User
    from kliento.core.services import create_organization

    owner = User.objects.filter(email__iexact=args.owner).first()
    if owner is None:
        print(f"kliento: no user {args.owner!r}; create one with `kliento createuser`", file=sys.stderr)
        return 2
    organization = create_organization(name=args.name, owner=owner, slug=args.slug)
    print(f"Created organization {organization.name!r} ({organization.slug}) owned by {owner.email}.")
    return 0


def cmd_apikey(args: argparse.Namespace) -> int:
    _setup_django()
    from kliento.core.models import Membership, Organization
    from kliento.core.permissions import Role
    from kliento.core.services import create_api_key
    from kliento.core.tenancy import active_organization

    organization = Organization.objects.filter(slug=args.org).first()
    if organization is None:
        print(f"kliento: no organization {args.org!r}", file=sys.stderr)
        return 2
    with active_organization(organization.pk):
        owner = (
            Membership.objects.active().filter(role=Role.OWNER).select_related("user", "organization").first()
        )
        if owner is None:
            print("kliento: the organization has no owner to create the key in the name of", file=sys.stderr)
            return 2
        key, raw_key = create_api_key(name=args.name, role=args.role, member=owner)
    print(f"Created API key {key.name!r} ({key.get_role_display()}) for {organization.slug}.")
    print("It is shown only this once:")
    print(raw_key)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from kliento.core.permissions import Role  # plain choices: no database needed

    parser = argparse.ArgumentParser(
        prog="kliento",
        description="Kliento, the open-source CRM.",
        epilog=COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="migrate and create the first organization and owner")
    init.add_argument("--org", help="organization name")
    init.add_argument("--email", help="owner's email address")
    init.add_argument("--password", help="owner's password (asked for when omitted)")
    init.add_argument("--name", help="owner's full name")
    init.set_defaults(handler=cmd_init)

    serve = commands.add_parser("serve", help="serve the app with granian")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    serve.add_argument(
        "--threads", type=int, default=2, help="threads per worker (2); more only contend for the GIL"
    )
    serve.add_argument("--with-worker", action="store_true", help="also run the background worker")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser("worker", help="run the background worker")
    worker.add_argument("--workers", type=int, default=2)
    worker.set_defaults(handler=cmd_worker)

    demo = commands.add_parser("demo", help="load deterministic demo data, or ring demo calls")
    demo.add_argument(
        "what",
        nargs="?",
        choices=["data", "calls"],
        default="data",
        help="data (default), or calls: ring calls into a running instance (see --url)",
    )
    demo.add_argument("--url", default="http://127.0.0.1:8000", help="calls: the running instance's address")
    demo.add_argument("--calls", type=int, default=5, help="calls: how many calls to ring (5)")
    demo.add_argument("--pause", type=float, default=3.0, help="calls: seconds between a call's events (3)")
    demo.add_argument("--org", help="slug of an existing organization to fill (default: the demo one)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--users", type=int, default=12, help="how many users (at least one per role)")
    demo.set_defaults(handler=cmd_demo, size_names=_add_demo_sizes(demo))

    createuser = commands.add_parser("createuser", help="create a user")
    createuser.add_argument("--email")
    createuser.add_argument("--password")
    createuser.add_argument("--name")
    createuser.add_argument("--org", help="also make the user a member of this organization (slug)")
    createuser.add_argument("--role", default=Role.SALESPERSON, choices=Role.values)
    createuser.set_defaults(handler=cmd_createuser)

    org = commands.add_parser("org", help="organizations")
    org_commands = org.add_subparsers(dest="org_command", required=True)
    org_create = org_commands.add_parser("create", help="create another organization")
    org_create.add_argument("--name", required=True)
    org_create.add_argument("--owner", required=True, help="email of an existing user")
    org_create.add_argument("--slug")
    org_create.set_defaults(handler=cmd_org)

    apikey = commands.add_parser("apikey", help="API keys")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", required=True)
    apikey_create = apikey_commands.add_parser("create", help="create an API key and print it once")
    apikey_create.add_argument("--org", required=True, help="organization slug")
    apikey_create.add_argument("--role", default=Role.VIEWER, choices=Role.values)
    apikey_create.add_argument("--name", default="Command line")
    apikey_create.set_defaults(handler=cmd_apikey)
    return parser


def _add_demo_sizes(parser: argparse.ArgumentParser) -> list[str]:
    """The size options the apps' demo steps registered (`--contacts`, …), once Django is set up."""
    from django.apps import apps

    if not apps.ready:
        return []
    from kliento.core.records.demo import demo_sizes

    names = []
    for size in demo_sizes():
        option = f"--{size.name.replace('_', '-')}"
        parser.add_argument(option, dest=size.name, type=int, default=size.default, help=size.help)
        names.append(size.name)
    return names


OWN_COMMANDS = {"init", "serve", "worker", "demo", "createuser", "org", "apikey", "-h", "--help"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in OWN_COMMANDS:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kliento.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["kliento", *argv])
        return 0
    if argv and argv[0] == "demo":
        _setup_django()  # the apps register the demo's size options
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
