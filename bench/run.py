"""Benchmark a served Kliento over real HTTP on 127.0.0.1 and write the figures to RESULTS.md.

For each database the harness prepares a fresh instance in a temporary directory with the
app's own CLI, starts `kliento serve`, loads each scenario with concurrent keep-alive clients
and stops the server again, whatever happens. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
from psycopg import sql

HOST = "127.0.0.1"  # the only address the harness ever talks to
POSTGRES_ADMIN_URL = f"postgres://postgres@{HOST}:5432/postgres"
POSTGRES_BENCH_DATABASE = "kliento_bench"  # the default; --pg-database names another
ORG_SLUG = "bench"
READY_PATH = "/accounts/login/"

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"

WARM_UP_SECONDS = 1.0
REQUEST_TIMEOUT_SECONDS = 10.0
READY_TIMEOUT_SECONDS = 60.0
CLI_TIMEOUT_SECONDS = 300.0  # migrating an empty PostgreSQL database is slow on slow disks
SEED_TIMEOUT_SECONDS = 6 * 3600.0  # minutes at a million contacts on a quiet machine; hours on a busy one
SAMPLES = 200  # contacts whose ids, names, emails and phones the scenarios rotate through
BENCH_USER_EMAIL = "bench-user@example.com"
STOP_TIMEOUT_SECONDS = 10.0


class BenchError(Exception):
    """The instance could not be prepared, served or measured; the message says why."""


# --- Scenarios --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Samples:
    """Real values from the seeded data, so lookups hit rows that exist (and not always the same one)."""

    contact_ids: list[int] = field(default_factory=list)
    name_fragments: list[str] = field(default_factory=list)
    email_fragments: list[str] = field(default_factory=list)
    phone_tails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # whole numbers, as a caller's arrives
    busiest_contact_id: int | None = None  # the demo gives the first contact the longest timeline
    pipeline_id: int = 0  # the default pipeline, whose board the board scenario opens
    open_stage_ids: list[int] = field(default_factory=list)  # of that pipeline, in board order
    deal_ids: list[int] = field(default_factory=list)  # open deals of that pipeline, moved in turn
    busiest_buyer_ids: list[int] = field(default_factory=list)  # contacts with the most orders
    product_ids: list[int] = field(default_factory=list)  # products with a price in the base currency
    convertible_lead_ids: list[int] = field(default_factory=list)  # qualified leads not converted yet


@dataclass(frozen=True)
class Instance:
    """A served Kliento, as the scenarios see it."""

    base_url: str
    api_key: str  # a viewer's
    data: dict[str, int]  # what the database holds, by kind; reported next to the figures
    session_cookie: str = ""  # "sessionid=…" of a signed-in owner, for the pages
    writer_key: str = ""  # a salesperson's API key, for the scenarios that write
    samples: Samples = field(default_factory=Samples)


def no_headers(instance: Instance) -> dict[str, str]:
    return {}


def api_key_headers(instance: Instance) -> dict[str, str]:
    return {"Authorization": f"Bearer {instance.api_key}"}


def writer_headers(instance: Instance) -> dict[str, str]:
    return {"Authorization": f"Bearer {instance.writer_key}", "Content-Type": "application/json"}


def mixed_headers(instance: Instance) -> dict[str, str]:
    """Both credentials: pages read the session, the API takes the key."""
    return {**htmx_headers(instance), **api_key_headers(instance)}


def session_headers(instance: Instance) -> dict[str, str]:
    return {"Cookie": instance.session_cookie}


def htmx_headers(instance: Instance) -> dict[str, str]:
    """An as-you-type request from the top bar: htmx sends HX-Request and wants only the partial."""
    return {**session_headers(instance), "HX-Request": "true"}


@dataclass(frozen=True)
class Scenario:
    """One kind of request, repeated under load; headers and paths are built once the instance exists.

    `path` is a fixed path or a function of the instance giving several; requests take them in turn.
    Targets, when set, are checked in the report (p95 latency at most, successful req/s at least).
    A latency target is measured over one connection, so that it is the app's time to answer and
    not the time a request waits behind others. Not one per worker: granian let one worker accept
    both of two keep-alive connections (measured: all requests on one worker, the other idle), so
    two connections timed two requests sharing one worker's interpreter lock.
    """

    name: str
    method: str
    path: str | Callable[[Instance], Sequence[str]]
    headers: Callable[[Instance], dict[str, str]] = no_headers
    p95_target_ms: float | None = None
    throughput_target: float | None = None
    bare_share_target: float | None = None  # req/s at least this share of the bare endpoint's
    body: str | None = None  # a JSON template; "{n}" becomes the request's number, "{run}" the run's
    body_for: Callable[[Instance], str] | None = None  # a body that needs the seeded data (ids)
    bodies_for: Callable[[Instance], Sequence[str]] | None = None  # several, taken in turn like paths
    serial: bool = False  # one request at a time on one connection
    # Each path works once (converting a lead): the warm-up and the measurement get paths of their
    # own, and a measurement that runs out of paths repeats them and counts the refusals as errors.
    single_use: bool = False

    def concurrency(self, args: argparse.Namespace) -> int:
        return 1 if self.p95_target_ms is not None or self.serial else args.concurrency

    def paths(self, instance: Instance, *, warm_up: bool | None = None) -> Sequence[str]:
        paths = [self.path] if isinstance(self.path, str) else list(self.path(instance))
        if not paths:
            raise BenchError(f"{self.name}: the seeded data gave nothing to ask for")
        if self.single_use and warm_up is not None:
            if len(paths) < 2:
                raise BenchError(f"{self.name}: the seeded data gave too few records to use once each")
            # The warm-up lasts a tenth of the measurement, so it gets a tenth of the records.
            split = max(1, len(paths) // 11)
            return paths[:split] if warm_up else paths[split:]
        return paths


def mixed_paths(instance: Instance) -> list[str]:
    """What a busy team does at once: lists, searches, cards and API reads, interleaved."""
    fixed = ["/contacts/", "/contacts/?stage=active&sort=-created", "/api/v1/contacts?limit=50", "/api/v1/me"]
    groups = [contact_cards(instance), *(searches(kind)(instance) for kind in SEARCH_KINDS)]
    mixed = []
    for number, parts in enumerate(itertools.zip_longest(*groups)):
        mixed += [part for part in parts if part] + [fixed[number % len(fixed)]]
    return mixed


SEARCH_KINDS = ("name_fragments", "email_fragments", "phone_tails")


def contact_cards(instance: Instance) -> list[str]:
    return [f"/contacts/{contact_id}/" for contact_id in instance.samples.contact_ids]


def caller_lookups(instance: Instance) -> list[str]:
    return [f"/api/v1/calls/identify?number={quote(number)}" for number in instance.samples.phones]


def first_timeline_page(instance: Instance) -> list[str]:
    contact_id = instance.samples.busiest_contact_id
    return [f"/api/v1/timeline/contact/{contact_id}?limit=20"] if contact_id else []


def searches(kind: str) -> Callable[[Instance], list[str]]:
    def paths(instance: Instance) -> list[str]:
        return [f"/search/?q={quote(query)}" for query in getattr(instance.samples, kind)]

    return paths


def deal_boards(instance: Instance) -> list[str]:
    return [f"/deals/board/{instance.samples.pipeline_id}/"] if instance.samples.pipeline_id else []


def deal_moves(instance: Instance) -> list[str]:
    return [f"/api/v1/deals/{deal_id}/move" for deal_id in instance.samples.deal_ids]


def busiest_buyer_cards(instance: Instance) -> list[str]:
    return [f"/contacts/{contact_id}/" for contact_id in instance.samples.busiest_buyer_ids]


def order_bodies(instance: Instance) -> list[str]:
    """New orders of 5 lines for the sampled contacts, each with other products, as the orders API
    takes them (the product's price in the order's currency when the line gives none)."""
    products = instance.samples.product_ids
    if not products:
        return []
    bodies = []
    for number, contact_id in enumerate(instance.samples.contact_ids):
        lines = [
            {"product_id": products[(number + line) % len(products)], "quantity": 1} for line in range(5)
        ]
        bodies.append(json.dumps({"contact_id": contact_id, "lines": lines}))
    return bodies


# The order list's filters: a month's orders of one channel. One constant, so the parameter names
# follow the API's.
ORDER_LIST_PATH = "/api/v1/orders"
ORDER_LIST_QUERY = "ordered_from={first}&ordered_to={last}&channel={channel}&limit=50"
ORDER_LIST_CHANNEL = "online"


def order_list_of_a_month(instance: Instance) -> list[str]:
    """The last complete month (the demo's orders run up to today), for one channel."""
    last = datetime.now(UTC).date().replace(day=1) - timedelta(days=1)
    query = ORDER_LIST_QUERY.format(first=last.replace(day=1), last=last, channel=ORDER_LIST_CHANNEL)
    return [f"{ORDER_LIST_PATH}?{query}"]


def lead_conversions(instance: Instance) -> list[str]:
    return [f"/api/v1/leads/{lead_id}/convert" for lead_id in instance.samples.convertible_lead_ids]


def deal_move_body(instance: Instance) -> str:
    """Each deal to the top of the second open column: a stage change the first time, a move to
    the top of its column after (both take the column's lock and place the card)."""
    stages = instance.samples.open_stage_ids
    return json.dumps({"stage_id": stages[1] if len(stages) > 1 else stages[0]}) if stages else "{}"


SCENARIOS: list[Scenario] = [
    Scenario("sign-in page", "GET", "/accounts/login/"),
    Scenario("GET /api/v1/me", "GET", "/api/v1/me", api_key_headers, bare_share_target=0.5),
    # Issue 3: customer lists, search and cards at size.
    Scenario("contact list, first page", "GET", "/contacts/", session_headers, p95_target_ms=50),
    Scenario(
        "contact list, active, newest first",
        "GET",
        "/contacts/?stage=active&sort=-created",
        session_headers,
        p95_target_ms=50,
    ),
    # Issue 8: filtering by a custom field reads its index, not every record's JSON.
    Scenario(
        "contact list, by a custom choice field",
        "GET",
        "/contacts/?cf.preferred_branch=Airport+branch",
        session_headers,
        p95_target_ms=50,
    ),
    Scenario(
        "contact list, by a custom date range",
        "GET",
        "/contacts/?cf.customer_since.min=2024-01-01&cf.customer_since.max=2024-03-31",
        session_headers,
        p95_target_ms=50,
    ),
    Scenario("search: name fragment", "GET", searches("name_fragments"), htmx_headers, p95_target_ms=50),
    Scenario("search: email", "GET", searches("email_fragments"), htmx_headers, p95_target_ms=50),
    Scenario("search: phone, last digits", "GET", searches("phone_tails"), htmx_headers, p95_target_ms=50),
    Scenario("contact card", "GET", contact_cards, session_headers, p95_target_ms=50),
    Scenario(
        "GET /api/v1/contacts?limit=50",
        "GET",
        "/api/v1/contacts?limit=50",
        api_key_headers,
        throughput_target=1000,
    ),
    Scenario(
        "POST /api/v1/contacts",
        "POST",
        "/api/v1/contacts",
        writer_headers,
        throughput_target=300,
        serial=True,
        body=(
            '{"first_name": "Bench", "last_name": "Writer {run} {n}", "lifecycle_stage": "lead", '
            '"emails": [{"email": "writer-{run}-{n}@example.com"}], '
            '"phones": [{"number": "+1 202 555 {n4}"}]}'
        ),
    ),
    # Issue 9: the deal board (top cards of every column, counts and totals) and moving a deal.
    Scenario("deal board, open deals", "GET", deal_boards, session_headers, p95_target_ms=100),
    Scenario(
        "POST /api/v1/deals/{id}/move",
        "POST",
        deal_moves,
        writer_headers,
        p95_target_ms=30,
        serial=True,
        body_for=deal_move_body,
    ),
    # Issue 9: the lead inbox, sorted by waiting time (the demo's leads).
    Scenario("lead inbox, first page", "GET", "/leads/", session_headers, p95_target_ms=50),
    Scenario(
        "lead inbox, new from the web form",
        "GET",
        "/leads/?status=new&source=web_form",
        session_headers,
        p95_target_ms=50,
    ),
    # The sales issue: converting a lead (each request another qualified lead, so seed enough with
    # --leads), creating an order, a long customer's card and a month of one channel's orders.
    Scenario(
        "POST /api/v1/leads/{id}/convert",
        "POST",
        lead_conversions,
        writer_headers,
        p95_target_ms=50,
        serial=True,
        body="{}",
        single_use=True,
    ),
    Scenario(
        "POST /api/v1/orders, 5 lines",
        "POST",
        ORDER_LIST_PATH,
        writer_headers,
        p95_target_ms=30,
        serial=True,
        bodies_for=order_bodies,
    ),
    Scenario("contact card, ~1,000 orders", "GET", busiest_buyer_cards, session_headers, p95_target_ms=50),
    Scenario(
        "order list, a month of one channel (API)",
        "GET",
        order_list_of_a_month,
        api_key_headers,
        p95_target_ms=50,
    ),
    # Issue 10: who is calling, and the first page of a long timeline (seed with --interactions).
    Scenario("caller identification by number", "GET", caller_lookups, api_key_headers, p95_target_ms=5),
    Scenario("timeline, first page (longest)", "GET", first_timeline_page, api_key_headers, p95_target_ms=50),
    # Last: the server's peak memory is read after it, so it covers every request of the run.
    Scenario("mixed: pages, search, cards, API", "GET", mixed_paths, mixed_headers),
]

RSS_TARGET_BYTES = 120 * 1024**2  # peak RSS of one server worker after the run

# The reference: served by granian with Kliento's workers and threads in the same run (bench/bare.py).
BARE = Scenario("bare Django + Ninja endpoint, one query", "GET", "/bare")


# --- Results ----------------------------------------------------------------------------------


@dataclass
class ScenarioResult:
    name: str
    requests: int
    errors: Counter[str]  # by HTTP status or exception name
    elapsed: float
    successes: int
    latencies_ms: tuple[float, float, float] | None  # p50, p95, p99 as wrk saw them
    client_cpu_share: float  # load generator CPU time / wall time: near 1.0 means it was the limit
    concurrency: int = 0
    p95_target_ms: float | None = None
    throughput_target: float | None = None
    bare_share_target: float | None = None
    bare_throughput: float | None = None  # the reference endpoint's req/s in the same run

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        """Successful answers per second."""
        return self.successes / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def bare_share(self) -> float | None:
        return self.throughput / self.bare_throughput if self.bare_throughput else None

    def target_cell(self) -> str:
        """The scenario's target and whether this run met it (errors miss any target)."""
        checks = []
        if self.p95_target_ms is not None:
            p95 = (self.percentiles() or (0.0, float("inf"), 0.0))[1]
            checks.append((f"p95 ≤ {self.p95_target_ms:g} ms", p95 <= self.p95_target_ms))
        if self.throughput_target is not None:
            checks.append(
                (f"≥ {self.throughput_target:,.0f} req/s", self.throughput >= self.throughput_target)
            )
        if self.bare_share_target is not None:
            share = self.bare_share or 0.0
            checks.append((f"≥ {self.bare_share_target:.0%} of bare", share >= self.bare_share_target))
        return "; ".join(
            f"{label}: {'met' if met and not self.errors else 'missed'}" for label, met in checks
        )

    def percentiles(self) -> tuple[float, float, float] | None:
        """p50, p95 and p99 in ms, or None when too few requests succeeded to tell."""
        return self.latencies_ms if self.successes >= 2 else None


@dataclass
class DatabaseReport:
    label: str
    version: str = ""
    data: dict[str, int] = field(default_factory=dict)
    results: list[ScenarioResult] = field(default_factory=list)
    skipped: str = ""  # why this database was not measured
    seeding: str = ""  # the demo command that filled the database, and how long it took
    bare: ScenarioResult | None = None
    peak_rss: dict[int, int] = field(default_factory=dict)  # worker pid -> peak RSS in bytes
    requests_served: int = 0  # by the server, warm-ups included, when the peak RSS was read


# --- Load generation --------------------------------------------------------------------------


WRK_SCRIPT = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local method = %(method)s
local bodies = {%(bodies)s}
local sent = 0
request = function()
  sent = sent + 1
  local path = paths[(sent - 1) %% #paths + 1]
  local payload = nil
  local body = nil
  if #bodies > 0 then body = bodies[(sent - 1) %% #bodies + 1] end
  if body then
    payload = body:gsub("{n4}", string.format("%%04d", sent %% 10000)):gsub("{n}", tostring(sent))
  end
  return wrk.format(method, path, headers, payload)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua_string(text: str) -> str:
    """A Lua string literal; JSON's escapes are Lua's for ASCII text (paths are quoted, keys ASCII)."""
    if not text.isascii():
        raise BenchError(f"wrk scripts take ASCII text only: {text!r}")
    return json.dumps(text)


def wrk_script(scenario: Scenario, instance: Instance, run_token: str, *, warm_up: bool | None = None) -> str:
    headers = ", ".join(
        f"[{lua_string(name)}] = {lua_string(value)}" for name, value in scenario.headers(instance).items()
    )
    if scenario.bodies_for:
        templates = list(scenario.bodies_for(instance))
        if not templates:
            raise BenchError(f"{scenario.name}: the seeded data gave nothing to send")
    else:
        template = scenario.body_for(instance) if scenario.body_for else scenario.body
        templates = [template] if template else []
    bodies = [template.replace("{run}", run_token) for template in templates]
    return WRK_SCRIPT % {
        "paths": ", ".join(lua_string(path) for path in scenario.paths(instance, warm_up=warm_up)),
        "headers": headers,
        "method": lua_string(scenario.method),
        "bodies": ", ".join(lua_string(body) for body in bodies),
    }


def run_wrk(base_url: str, script: Path, *, duration: float, concurrency: int) -> tuple[list[int], float]:
    """One wrk run; its figures (see WRK_SCRIPT's done) and the CPU share it used of one core."""
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "-s", str(script)]
    command += [f"--timeout={REQUEST_TIMEOUT_SECONDS:.0f}s", base_url]
    cpu_before = os.times()
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=duration + REQUEST_TIMEOUT_SECONDS + 10,
            check=False,
        )
    except FileNotFoundError as error:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)") from error
    except subprocess.TimeoutExpired as error:
        raise BenchError("wrk did not finish in time") from error
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )
    for line in completed.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            return [int(value) for value in line.split()[1:]], cpu / elapsed if elapsed > 0 else 0.0
    raise BenchError(f"wrk gave no result (exit {completed.returncode}):\n{tail(completed.stderr)}")


def measure(instance: Instance, scenario: Scenario, *, duration: float, concurrency: int) -> ScenarioResult:
    """Warm up, then measure with wrk (keep-alive connections, one thread: little CPU of its own)."""
    with tempfile.TemporaryDirectory(prefix="kliento-bench-wrk-") as script_dir:
        # A fresh token per run, so that written records never repeat an earlier run's.
        script = Path(script_dir) / "scenario.lua"
        script.write_text(wrk_script(scenario, instance, secrets.token_hex(4), warm_up=True))
        run_wrk(instance.base_url, script, duration=WARM_UP_SECONDS, concurrency=concurrency)
        script.write_text(wrk_script(scenario, instance, secrets.token_hex(4), warm_up=False))
        figures, cpu_share = run_wrk(instance.base_url, script, duration=duration, concurrency=concurrency)
    requests, micros, connect, read, write, status, timeouts, p50, p95, p99 = figures
    errors: Counter[str] = Counter()
    for kind, count in (
        ("HTTP ≥ 400", status),
        ("connect", connect),
        ("read", read),
        ("write", write),
        ("timeout", timeouts),
    ):
        if count:
            errors[kind] = count
    # wrk counts a failed read or a timeout as a request too; only answers below 400 succeed.
    successes = max(0, requests - status - read - timeouts)
    return ScenarioResult(
        scenario.name,
        requests,
        errors,
        micros / 1_000_000,
        successes,
        (p50 / 1000, p95 / 1000, p99 / 1000),
        cpu_share,
        concurrency,
        scenario.p95_target_ms,
        scenario.throughput_target,
        scenario.bare_share_target,
    )


# --- The instance under test ------------------------------------------------------------------


def instance_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    """The app's environment: a clean slate, so an inherited KLIENTO_* cannot change the figures."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLIENTO_") and k != "REDIS_URL"}
    env["KLIENTO_VAR_DIR"] = str(var_dir)
    env["KLIENTO_ALLOWED_HOSTS"] = HOST
    if database_url:
        env["KLIENTO_DATABASE_URL"] = database_url
    return env


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_cli(label: str, args: list[str], env: dict[str, str], *, timeout: float = CLI_TIMEOUT_SECONDS) -> str:
    """Run a `kliento` command with this interpreter and return its stdout."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "kliento", *args],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"`kliento {label}` did not finish within {timeout:.0f} s") from error
    if completed.returncode != 0:
        # The label, not the arguments: they hold the owner's password.
        output = tail(completed.stdout + "\n" + completed.stderr)
        raise BenchError(f"`kliento {label}` exited with code {completed.returncode}:\n{output}")
    progress(f"  kliento {label}: done in {time.perf_counter() - started:.1f} s")
    return completed.stdout


@dataclass
class Prepared:
    """What the app's commands made of a fresh instance."""

    api_key: str
    password: str  # of BENCH_USER_EMAIL, an owner who signs in for the pages
    seeding: str
    writer_key: str = ""  # a salesperson's, for the scenarios that write


def prepare_instance(env: dict[str, str], args: argparse.Namespace) -> Prepared:
    """Migrate, create the organization, its owner and a user for the pages, mint a viewer API key
    and fill the organization with demo customers."""
    password = secrets.token_urlsafe(24)
    init_args = ["init", "--org", "Bench", "--email", "bench@example.com", "--password", password]
    run_cli("init", init_args, env)
    user_args = ["createuser", "--email", BENCH_USER_EMAIL, "--password", password, "--org", ORG_SLUG]
    run_cli("createuser", [*user_args, "--role", "owner", "--name", "Bench User"], env)
    api_key = create_api_key(env, "viewer")
    sizes = demo_sizes(args)
    started = time.perf_counter()
    output = run_cli("demo", ["demo", "--org", ORG_SLUG, *sizes], env, timeout=SEED_TIMEOUT_SECONDS)
    seconds = time.perf_counter() - started
    seeding = f"`kliento demo --org {ORG_SLUG} {' '.join(sizes)}` took {seconds:,.0f} s"
    if orders := ORDERS_STEP_LINE.search(output):
        seeding += f" (the orders step: {orders.group(1)})"
    return Prepared(api_key, password, seeding, create_api_key(env, "salesperson"))


def settle(database_url: str | None, var_dir: Path) -> None:
    """Finish the database's own after-work of a bulk load before measuring, so it does not run
    during the scenarios: PostgreSQL's vacuum of the new rows (autovacuum would start it minutes
    into the run) and the checkpoint writing what it changed, and SQLite's checkpoint of a
    write-ahead log of several gigabytes."""
    started = time.perf_counter()
    if database_url:
        with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute("VACUUM (ANALYZE)")
            # The vacuum dirtied every page it marked visible; flushed now, not by the spread
            # checkpoint that would otherwise write them during the first scenarios.
            connection.execute("CHECKPOINT")
    else:
        with contextlib.closing(sqlite3.connect(var_dir / "kliento.sqlite3")) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    progress(f"  settled the database in {time.perf_counter() - started:.1f} s")


# What the orders' demo step prints of its own time, reported beside the seeding's.
ORDERS_STEP_LINE = re.compile(r"orders step: (.+)")


def demo_sizes(args: argparse.Namespace) -> list[str]:
    return [
        "--contacts", str(args.contacts), "--companies", str(args.companies), "--deals", str(args.deals),
        "--leads", str(args.leads), "--order-lines", str(args.order_lines),
    ]  # fmt: skip


def seeded_sizes(args: argparse.Namespace) -> list[int]:
    """What a kept instance must have been seeded with to be reused."""
    return [args.contacts, args.companies, args.deals, args.leads, args.order_lines]


def create_api_key(env: dict[str, str], role: str) -> str:
    key_args = ["apikey", "create", "--org", ORG_SLUG, "--role", role, "--name", f"bench {role}"]
    lines = [line.strip() for line in run_cli("apikey create", key_args, env).splitlines() if line.strip()]
    if not lines:
        raise BenchError("`kliento apikey create` printed no key")
    return lines[-1]


# What the seeded data holds, read straight from the database (the harness knows its tables).
COUNTS = {
    "organizations": "SELECT COUNT(*) FROM core_organization",
    "users": "SELECT COUNT(*) FROM core_user",
    "contacts": "SELECT COUNT(*) FROM customers_contact WHERE organization_id = {org}",
    "companies": "SELECT COUNT(*) FROM customers_company WHERE organization_id = {org}",
    "deals": "SELECT COUNT(*) FROM deals_deal WHERE organization_id = {org}",
    "open deals": "SELECT COUNT(*) FROM deals_deal WHERE organization_id = {org} AND status = 'open'",
    "leads": "SELECT COUNT(*) FROM leads_lead WHERE organization_id = {org}",
    "qualified leads": (
        "SELECT COUNT(*) FROM leads_lead WHERE organization_id = {org} AND status = 'qualified'"
    ),
    "orders": "SELECT COUNT(*) FROM orders_order WHERE organization_id = {org}",
    "order lines": "SELECT COUNT(*) FROM orders_orderline WHERE organization_id = {org}",
    "timeline entries": "SELECT COUNT(*) FROM activities_activity WHERE organization_id = {org}",
}


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= char <= "\u9fff" for char in text)


def name_fragment(first_name: str, last_name: str) -> str:
    """What someone types to find a person: a two- or three-character Chinese name whole, else
    four letters from inside the family name (or all of a short one)."""
    if _is_cjk(first_name + last_name):
        return f"{last_name}{first_name}"
    family = last_name.split(" ")[0] or first_name
    return family[1:5] if len(family) >= 6 else family


def sample_data(database_url: str | None, var_dir: Path) -> tuple[dict[str, int], Samples]:
    """Sizes of the seeded data and SAMPLES contacts spread evenly over it."""
    if database_url:
        connection: Any = psycopg.connect(database_url, connect_timeout=5)
        mark = "%s"
    else:
        connection = sqlite3.connect(var_dir / "kliento.sqlite3")
        mark = "?"
    try:
        org = connection.execute(
            f"SELECT id FROM core_organization WHERE slug = {mark}", [ORG_SLUG]
        ).fetchone()[0]
        data = {
            kind: int(connection.execute(query.format(org=org)).fetchone()[0])
            for kind, query in COUNTS.items()
        }
        low, high = connection.execute(
            f"SELECT MIN(id), MAX(id) FROM customers_contact WHERE organization_id = {mark}", [org]
        ).fetchone()
        rows = []
        if low is not None:
            picker = random.Random(42)
            for _ in range(SAMPLES):
                row = connection.execute(
                    "SELECT id, first_name, last_name, email, phone FROM customers_contact"
                    f" WHERE organization_id = {mark} AND id >= {mark} ORDER BY id LIMIT 1",
                    [org, picker.randint(low, high)],
                ).fetchone()
                rows.append(row)
        deals = deal_samples(connection, mark, org)
        sales = sales_samples(connection, mark, org)
    finally:
        connection.close()
    rows = list(dict.fromkeys(rows))
    samples = Samples(
        contact_ids=[row[0] for row in rows],
        name_fragments=[name_fragment(row[1], row[2]) for row in rows],
        email_fragments=[row[3].split("@")[0] for row in rows if row[3]],
        phone_tails=[row[4][-6:] for row in rows if row[4]],
        phones=[row[4] for row in rows if row[4]],
        busiest_contact_id=low,
        **deals,
        **sales,
    )
    return data, samples


def deal_samples(connection: Any, mark: str, org: int) -> dict[str, Any]:
    """The default pipeline, its open stages in order and SAMPLES of its open deals."""
    pipeline = connection.execute(
        f"SELECT id FROM deals_pipeline WHERE organization_id = {mark} AND is_default = {mark}", [org, True]
    ).fetchone()
    if pipeline is None:
        return {}
    stages = connection.execute(
        f"SELECT id FROM deals_stage WHERE pipeline_id = {mark} AND kind = 'open' ORDER BY position, id",
        [pipeline[0]],
    ).fetchall()
    deals = connection.execute(
        f"SELECT id FROM deals_deal WHERE pipeline_id = {mark} AND status = 'open' AND deleted_at IS NULL"
        f" ORDER BY id LIMIT {SAMPLES}",
        [pipeline[0]],
    ).fetchall()
    return {
        "pipeline_id": pipeline[0],
        "open_stage_ids": [row[0] for row in stages],
        "deal_ids": [row[0] for row in deals],
    }


def sales_samples(connection: Any, mark: str, org: int) -> dict[str, Any]:
    """The contacts with the most orders, products priced in the base currency, and qualified
    leads not converted yet (oldest first; a conversion takes each once)."""
    buyers = connection.execute(
        f"SELECT id FROM customers_contact WHERE organization_id = {mark} AND deleted_at IS NULL"
        " ORDER BY purchase_count DESC, id LIMIT 3",
        [org],
    ).fetchall()
    products = connection.execute(
        "SELECT p.id FROM catalog_product AS p JOIN catalog_productprice AS price ON price.product_id = p.id"
        " JOIN core_organization AS o ON o.id = p.organization_id AND price.currency = o.base_currency"
        f" WHERE p.organization_id = {mark} AND p.deleted_at IS NULL ORDER BY p.id LIMIT 25",
        [org],
    ).fetchall()
    leads = connection.execute(
        f"SELECT id FROM leads_lead WHERE organization_id = {mark} AND status = 'qualified'"
        " AND contact_id IS NULL AND converted_at IS NULL AND deleted_at IS NULL ORDER BY id LIMIT 20000",
        [org],
    ).fetchall()
    return {
        "busiest_buyer_ids": [row[0] for row in buyers],
        "product_ids": [row[0] for row in products],
        "convertible_lead_ids": [row[0] for row in leads],
    }


def sign_in(base_url: str, email: str, password: str) -> str:
    """Sign in through the real form once and return the session cookie for the page scenarios."""
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, trust_env=False) as client:
        form = client.get(READY_PATH)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        if token is None:
            raise BenchError(f"GET {READY_PATH} has no CSRF token in its form")
        answer = client.post(
            READY_PATH, data={"csrfmiddlewaretoken": token.group(1), "email": email, "password": password}
        )
        session = client.cookies.get("sessionid")
        if answer.status_code != 302 or not session:
            raise BenchError(f"signing in as {email} failed: HTTP {answer.status_code}")
    return f"sessionid={session}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_until_ready(
    process: subprocess.Popen[bytes], base_url: str, log_path: Path, ready_path: str = READY_PATH
) -> None:
    started = time.monotonic()
    last_outcome = "no answer"
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() - started < READY_TIMEOUT_SECONDS:
            if process.poll() is not None:
                log = tail(log_path.read_text(errors="replace"))
                raise BenchError(f"the server exited with code {process.returncode}:\n{log}")
            try:
                status = client.get(ready_path).status_code
            except httpx.HTTPError as error:
                last_outcome = type(error).__name__
            else:
                if status == 200:
                    progress(f"  ready after {time.monotonic() - started:.1f} s")
                    return
                last_outcome = f"HTTP {status}"
            time.sleep(0.25)
    log = tail(log_path.read_text(errors="replace"))
    raise BenchError(
        f"GET {ready_path} did not answer 200 within {READY_TIMEOUT_SECONDS:.0f} s "
        f"(last: {last_outcome}); server log:\n{log}"
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and every worker it forked: they all share its process group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
            break
        except subprocess.TimeoutExpired:
            continue
    # A worker that outlived its parent still holds the group; the group id cannot be reused
    # while it does, so this reaches only our own stragglers.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


KLIENTO_THREADS = 2  # `kliento serve`'s default threads per worker; the bare endpoint gets the same


@contextlib.contextmanager
def served(
    env: dict[str, str], *, workers: int, log_path: Path, port: int = 0, bare: bool = False
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `kliento serve` (or the bare reference app) on `port` (else a free local port) for the
    duration of the block; yield its URL and process."""
    port = port or free_port()
    address = ["--host", HOST, "--port", str(port), "--workers", str(workers)]
    if bare:
        progress(f"Starting the bare endpoint on {HOST}:{port} with {workers} workers")
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", *address]
        command += ["--blocking-threads", str(KLIENTO_THREADS), "bench.bare:application"]
    else:
        progress(f"Starting kliento serve on {HOST}:{port} with {workers} workers")
        command = [sys.executable, "-m", "kliento", "serve", *address, "--threads", str(KLIENTO_THREADS)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so stop_server can reach the workers too
        )
    try:
        base_url = f"http://{HOST}:{port}"
        wait_until_ready(process, base_url, log_path, "/bare" if bare else READY_PATH)
        yield base_url, process
    finally:
        progress("Stopping the server")
        stop_server(process)


# --- Databases --------------------------------------------------------------------------------


def postgres_unreachable_reason() -> str | None:
    """Why PostgreSQL on 127.0.0.1:5432 cannot be used, or None if it can."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        # The first line names the failure ("Connection refused"); the rest are libpq's hints.
        lines = str(error).strip().splitlines()
        return lines[0].strip() if lines else type(error).__name__
    return None


def postgres_admin(statement: sql.Composable) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def postgres_url(database: str) -> str:
    return f"postgres://postgres@{HOST}:5432/{database}"


def drop_postgres_database(database: str) -> None:
    # FORCE (PostgreSQL 13+) ends connections a killed server may have left behind.
    name = sql.Identifier(database)
    postgres_admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def postgres_version(database_url: str) -> str:
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


KEPT_STATE = "bench-instance.json"


def kept_instance(var_dir: Path, database_url: str | None, args: argparse.Namespace) -> Prepared | None:
    """The instance a previous `--keep` run prepared in var_dir, if it was seeded at these sizes and
    its database is still there (a run without --keep drops the PostgreSQL one)."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, psycopg.Error):
        state = json.loads((var_dir / KEPT_STATE).read_text())
        if database_url:
            psycopg.connect(database_url, connect_timeout=5).close()
        elif not (var_dir / "kliento.sqlite3").exists():
            return None
        if state["sizes"] == seeded_sizes(args):
            return Prepared(
                api_key=state["api_key"],
                password=state["password"],
                seeding=state["seeding"],
                writer_key=state.get("writer_key", ""),
            )
    return None


@contextlib.contextmanager
def instance_dir(label: str, args: argparse.Namespace) -> Iterator[Path]:
    """A temporary directory, or with --keep a lasting one per database that later runs reuse."""
    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="kliento-bench-") as var_name:
            yield Path(var_name)
        return
    var_dir = args.keep / label.lower()
    var_dir.mkdir(parents=True, exist_ok=True)
    yield var_dir


def benchmark_instance(label: str, database_url: str | None, args: argparse.Namespace) -> DatabaseReport:
    """Prepare an instance (or reuse a kept one), serve it and run the chosen scenarios against it."""
    with instance_dir(label, args) as var_dir:
        env = instance_env(var_dir, database_url)
        prepared = kept_instance(var_dir, database_url, args) if args.keep else None
        if prepared is None:
            progress(f"Preparing a fresh instance in {var_dir}")
            if database_url:
                recreate_postgres_database(args.pg_database)
            else:
                (var_dir / "kliento.sqlite3").unlink(missing_ok=True)
            prepared = prepare_instance(env, args)
            if args.keep:
                state = {**prepared.__dict__, "sizes": seeded_sizes(args)}
                (var_dir / KEPT_STATE).write_text(json.dumps(state))
        else:
            progress(f"Reusing the instance kept in {var_dir}")
        if not prepared.writer_key:  # kept by an older harness
            prepared.writer_key = create_api_key(env, "salesperson")
            if args.keep:
                state = {**prepared.__dict__, "sizes": seeded_sizes(args)}
                (var_dir / KEPT_STATE).write_text(json.dumps(state))
        settle(database_url, var_dir)
        data, samples = sample_data(database_url, var_dir)
        version = postgres_version(database_url) if database_url else sqlite3.sqlite_version
        report = DatabaseReport(label, version=version, data=data, seeding=prepared.seeding)
        bare_env = {**env, "KLIENTO_DATABASE_URL": database_url or f"sqlite:///{var_dir / 'kliento.sqlite3'}"}
        bare_port = args.port + 1 if args.port else 0
        bare_log = var_dir / "bare.log"
        bare = served(bare_env, workers=args.workers, log_path=bare_log, port=bare_port, bare=True)
        with bare as (base_url, _):
            instance = Instance(base_url=base_url, api_key="", data=data)
            report.bare = run_scenario(instance, BARE, args)
        serving = served(env, workers=args.workers, log_path=var_dir / "server.log", port=args.port)
        with serving as (base_url, process):
            instance = Instance(
                base_url=base_url,
                api_key=prepared.api_key,
                data=data,
                session_cookie=sign_in(base_url, BENCH_USER_EMAIL, prepared.password),
                samples=samples,
                writer_key=prepared.writer_key,
            )
            for scenario in chosen_scenarios(args):
                result = run_scenario(instance, scenario, args)
                result.bare_throughput = report.bare.throughput
                report.results.append(result)
            report.peak_rss = peak_rss(process.pid)
            report.requests_served = sum(result.requests for result in report.results)
        return report


def run_scenario(instance: Instance, scenario: Scenario, args: argparse.Namespace) -> ScenarioResult:
    concurrency = scenario.concurrency(args)
    progress(
        f"  {scenario.name}: {WARM_UP_SECONDS:.0f} s warm-up, then {args.duration:g} s "
        f"at concurrency {concurrency}"
    )
    result = measure(instance, scenario, duration=args.duration, concurrency=concurrency)
    progress(f"  {scenario.name}: {summary(result)}")
    return result


def peak_rss(server_pid: int) -> dict[int, int]:
    """Each worker's peak resident memory so far (VmHWM), by pid; the workers are the server's children."""
    peaks: dict[int, int] = {}
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{server_pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                with contextlib.suppress(OSError, ValueError):
                    for line in Path(f"/proc/{child}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peaks[int(child)] = int(line.split()[1]) * 1024
    return peaks


def benchmark_sqlite(args: argparse.Namespace) -> DatabaseReport:
    return benchmark_instance("SQLite", None, args)


def recreate_postgres_database(database: str) -> None:
    drop_postgres_database(database)
    postgres_admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def benchmark_postgres(args: argparse.Namespace) -> DatabaseReport:
    try:
        return benchmark_instance("PostgreSQL", postgres_url(args.pg_database), args)
    finally:
        if args.keep is None:
            with contextlib.suppress(psycopg.Error):
                drop_postgres_database(args.pg_database)


def chosen_scenarios(args: argparse.Namespace) -> list[Scenario]:
    if not args.only:
        return SCENARIOS
    return [scenario for scenario in SCENARIOS if args.only.lower() in scenario.name.lower()]


# --- The report -------------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in {"model name", "Hardware", "cpu model"}:
                return value.strip()
    return platform.processor() or "unknown"


def total_memory() -> str:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kibibytes = int(line.split()[1])
                return f"{kibibytes / 1024**2:.1f} GiB"
    return "unknown"


def git(*args: str) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        completed = subprocess.run(
            ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10, check=False
        )
        if completed.returncode == 0:
            return completed.stdout.strip()
    return ""


def kliento_version() -> str:
    version = "unknown"
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, KeyError):
        version = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["version"]
    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return f"{version} (no commit)"
    # RESULTS.md itself is left out: an earlier run rewrote it, which changes nothing measured.
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/RESULTS.md")
    changed = " with local changes" if status else ""
    return f"{version} (commit {commit}{changed})"


def milliseconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def errors_cell(result: ScenarioResult) -> str:
    if not result.errors:
        return "0"
    kinds = ", ".join(f"{kind}: {count:,}" for kind, count in result.errors.most_common())
    return f"{result.error_count:,} ({kinds})"


def summary(result: ScenarioResult) -> str:
    p50, p95, p99 = result.percentiles() or (None, None, None)
    return (
        f"{result.requests:,} requests, errors {errors_cell(result)}, {result.throughput:,.0f} req/s, "
        f"p50 {milliseconds(p50)} ms, p95 {milliseconds(p95)} ms, p99 {milliseconds(p99)} ms "
        f"(load generator CPU {result.client_cpu_share:.0%})"
    )


def database_section(report: DatabaseReport) -> list[str]:
    lines = [f"## {report.label}", ""]
    if report.skipped:
        return [*lines, f"Not measured: {report.skipped}", ""]
    data = ", ".join(f"{kind}: {count:,}" for kind, count in report.data.items())
    lines += [f"Version {report.version}. Data: {data}."]
    if report.seeding:
        lines += ["", f"Seeding: {report.seeding}."]
    header = "| scenario | conn. | requests | errors | req/s | share of bare | p50 ms | p95 ms | p99 ms "
    header += "| target |"
    lines += ["", header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for result in [report.bare, *report.results] if report.bare else report.results:
        p50, p95, p99 = result.percentiles() or (None, None, None)
        share = result.bare_share
        cells = [
            result.name,
            str(result.concurrency),
            f"{result.requests:,}",
            errors_cell(result),
            f"{result.throughput:,.0f}",
            "reference" if result is report.bare else ("n/a" if share is None else f"{share:.2f}"),
            milliseconds(p50),
            milliseconds(p95),
            milliseconds(p99),
            result.target_cell(),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    # Near 100 % the client, not the server, set the pace; readers need that to judge the figures.
    busy = ", ".join(f"{result.name} {result.client_cpu_share:.0%}" for result in report.results)
    lines += ["", f"Load generator CPU (share of one core): {busy}."]
    if report.peak_rss:
        peaks = ", ".join(f"{peak / 1024**2:,.0f} MiB" for peak in sorted(report.peak_rss.values()))
        met = "met" if max(report.peak_rss.values()) <= RSS_TARGET_BYTES else "missed"
        lines += [
            "",
            f"Peak RSS of each server worker after the scenarios above ({report.requests_served:,} "
            f"measured requests, warm-ups not counted, the mixed scenario last): {peaks} "
            f"(target ≤ {RSS_TARGET_BYTES / 1024**2:,.0f} MiB: {met}).",
        ]
    return [*lines, ""]


def render(reports: Sequence[DatabaseReport], args: argparse.Namespace, command: str) -> str:
    measured_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Kliento benchmark results",
        "",
        f"Measured on {measured_at} with `{command}`. How to reproduce: `make bench`.",
        "",
        "## Setup",
        "",
        f"- Machine: {platform.platform()}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical CPUs",
        f"- Memory: {total_memory()}",
        f"- Python: {platform.python_version()}",
        f"- Kliento: {kliento_version()}",
        f"- Server: `kliento serve` with {args.workers} workers on {HOST}, debug off, "
        + ("an instance kept from an earlier run" if args.keep else "a fresh instance")
        + " per database",
        f"- Load: wrk (one thread) with {args.concurrency} concurrent keep-alive connections "
        f"(one for scenarios with a latency target, so that they measure the app's time to answer "
        f"rather than the wait behind other requests, and for the one-at-a-time write); "
        f"{WARM_UP_SECONDS:g} s warm-up, then {args.duration:g} s per scenario",
        "- Reference: a bare Django + Ninja endpoint running one query on the same database "
        "(`bench/bare.py`), served by granian with the same workers and threads just before Kliento; "
        '"share of bare" is each scenario\'s req/s divided by its req/s',
        *([f"- Note: {args.note}"] if args.note else []),
        "",
        "The load generator runs on the same machine as the server and shares its cores, so the server",
        "has fewer CPUs to itself than it would in production. req/s counts successful answers (below",
        "400) per second; latencies are wrk's, over all answers; errors are answers of 400 and above and",
        "failed requests, by kind.",
        "",
    ]
    for report in reports:
        lines += database_section(report)
    return "\n".join(lines).rstrip() + "\n"


# --- Command line -----------------------------------------------------------------------------


def progress(message: str) -> None:
    print(message, flush=True)


def bounded(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}")
        return value

    return parse


def database_name(text: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", text):
        raise argparse.ArgumentTypeError("lower-case letters, digits and underscores")
    return text


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--duration", type=bounded(float, 0.1, 3600), default=10.0, help="seconds per scenario (10)"
    )
    parser.add_argument(
        "--concurrency", type=bounded(int, 1, 1024), default=16, help="concurrent connections (16)"
    )
    parser.add_argument(
        "--port", type=bounded(int, 1, 65535), default=0, help="serve Kliento on this port (a free one)"
    )
    parser.add_argument("--workers", type=bounded(int, 1, 256), default=2, help="app server workers (2)")
    parser.add_argument(
        "--contacts",
        type=bounded(int, 0, 100_000_000),
        default=10_000,
        help="demo contacts to seed (10,000; the full run uses 1,000,000)",
    )
    parser.add_argument(
        "--companies",
        type=bounded(int, 0, 20_000_000),
        default=2_000,
        help="demo companies to seed (2,000; the full run uses 200,000)",
    )
    parser.add_argument(
        "--deals",
        type=bounded(int, 0, 10_000_000),
        default=3_000,
        help="demo deals to seed (3,000; the full run uses 300,000)",
    )
    parser.add_argument(
        "--leads",
        type=bounded(int, 0, 10_000_000),
        default=5_000,
        help="demo leads to seed (5,000: a fifth are qualified, which lead conversion takes one by one)",
    )
    parser.add_argument(
        "--order-lines",
        type=bounded(int, 0, 100_000_000),
        default=100_000,
        help="demo order lines to seed, over three years (100,000; the full run uses 10,000,000)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the seeded instances in DIR (and the PostgreSQL database) and reuse them on the "
        "next run with the same sizes, instead of seeding afresh",
    )
    parser.add_argument(
        "--pg-database",
        default=POSTGRES_BENCH_DATABASE,
        type=database_name,
        help=f"the PostgreSQL database to create, fill and drop ({POSTGRES_BENCH_DATABASE})",
    )
    parser.add_argument(
        "--note", default="", help="a line for RESULTS.md's setup, e.g. what else shared the machine"
    )
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write (bench/RESULTS.md)"
    )
    return parser.parse_args(argv)


def run_database(name: str, args: argparse.Namespace) -> DatabaseReport:
    progress(f"== {name} ==")
    if name == "sqlite":
        return benchmark_sqlite(args)
    reason = postgres_unreachable_reason()
    if reason is None:
        return benchmark_postgres(args)
    if args.db == "postgres":
        raise BenchError(f"PostgreSQL is not reachable on {HOST}:5432: {reason}")
    progress(f"Skipping PostgreSQL: not reachable on {HOST}:5432 ({reason})")
    return DatabaseReport("PostgreSQL", skipped=f"PostgreSQL was not reachable on {HOST}:5432 ({reason}).")


def command_line(args: argparse.Namespace) -> str:
    """The run's settings as a command; --output is left out so no local path ends up in the file."""
    settings = f"--db {args.db} --duration {args.duration:g} --concurrency {args.concurrency}"
    sizes = " ".join(demo_sizes(args))
    return f"python -m bench.run {settings} --workers {args.workers} {sizes}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep is not None and args.keep.resolve().is_relative_to(PROJECT_DIR):
        raise SystemExit("bench: --keep needs a directory outside the project")
    if not chosen_scenarios(args):
        raise SystemExit(f"bench: no scenario name contains {args.only!r}")
    names = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports: list[DatabaseReport] = []
    for name in names:
        try:
            reports.append(run_database(name, args))
        except (BenchError, psycopg.Error) as error:
            # Leave the previous RESULTS.md alone: it should always hold one complete run.
            print(f"bench: {name}: {error}", file=sys.stderr, flush=True)
            return 1
    if args.only and args.output == DEFAULT_OUTPUT:
        progress("Not writing RESULTS.md: it holds complete runs only (--output writes this one elsewhere)")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(reports, args, command_line(args)))
    progress(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
