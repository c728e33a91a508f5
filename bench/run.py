"""Benchmark a served Kliento over real HTTP on 127.0.0.1 and write the figures to RESULTS.md.

For each database the harness prepares a fresh instance in a temporary directory with the
app's own CLI, starts `kliento serve`, loads each scenario with concurrent keep-alive clients
and stops the server again, whatever happens. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

HOST = "127.0.0.1"  # the only address the harness ever talks to
POSTGRES_ADMIN_URL = f"postgres://postgres@{HOST}:5432/postgres"
POSTGRES_BENCH_DATABASE = "kliento_bench"
POSTGRES_BENCH_URL = f"postgres://postgres@{HOST}:5432/{POSTGRES_BENCH_DATABASE}"
ORG_SLUG = "bench"
READY_PATH = "/accounts/login/"

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"

WARM_UP_SECONDS = 1.0
REQUEST_CAP = 200_000  # per run: keeps the latency list small even against a very fast server
REQUEST_TIMEOUT_SECONDS = 10.0
READY_TIMEOUT_SECONDS = 60.0
CLI_TIMEOUT_SECONDS = 300.0  # migrating an empty PostgreSQL database is slow on slow disks
STOP_TIMEOUT_SECONDS = 10.0


class BenchError(Exception):
    """The instance could not be prepared, served or measured; the message says why."""


# --- Scenarios --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """A served Kliento, as the scenarios see it."""

    base_url: str
    api_key: str
    data: dict[str, int]  # what the database holds, by kind; reported next to the figures


def no_headers(instance: Instance) -> dict[str, str]:
    return {}


def api_key_headers(instance: Instance) -> dict[str, str]:
    return {"Authorization": f"Bearer {instance.api_key}"}


@dataclass(frozen=True)
class Scenario:
    """One request, repeated under load; headers are built once the instance exists."""

    name: str
    method: str
    path: str
    headers: Callable[[Instance], dict[str, str]] = no_headers


SCENARIOS: list[Scenario] = [
    Scenario("sign-in page", "GET", "/accounts/login/"),
    Scenario("GET /api/v1/me", "GET", "/api/v1/me", api_key_headers),
]


# --- Results ----------------------------------------------------------------------------------


@dataclass
class ScenarioResult:
    name: str
    requests: int
    errors: Counter[str]  # by HTTP status or exception name
    elapsed: float
    latencies_ms: list[float]  # of successful answers only, so a fast error page cannot flatter
    client_cpu_share: float  # load generator CPU time / wall time: near 1.0 means it was the limit

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        """Successful answers per second."""
        return len(self.latencies_ms) / self.elapsed if self.elapsed > 0 else 0.0

    def percentiles(self) -> tuple[float, float, float] | None:
        """p50, p95 and p99 in ms, or None when too few requests succeeded to tell."""
        if len(self.latencies_ms) < 2:
            return None
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[49], cuts[94], cuts[98]


@dataclass
class DatabaseReport:
    label: str
    version: str = ""
    data: dict[str, int] = field(default_factory=dict)
    results: list[ScenarioResult] = field(default_factory=list)
    skipped: str = ""  # why this database was not measured


# --- Load generation --------------------------------------------------------------------------


async def drive(
    client: httpx.AsyncClient,
    scenario: Scenario,
    headers: dict[str, str],
    *,
    duration: float,
    concurrency: int,
) -> ScenarioResult:
    """Send the scenario's request from `concurrency` workers until the time or the cap runs out."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    sent = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + duration

    async def worker() -> None:
        nonlocal sent
        while sent < REQUEST_CAP and time.perf_counter() < deadline:
            sent += 1
            began = time.perf_counter()
            try:
                response = await client.request(scenario.method, scenario.path, headers=headers)
            except (httpx.HTTPError, OSError) as error:
                errors[type(error).__name__] += 1
                continue
            except asyncio.CancelledError:
                errors["cut off"] += 1
                raise
            if response.is_success:
                latencies.append((time.perf_counter() - began) * 1000)
            else:
                errors[str(response.status_code)] += 1

    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    # Requests time out on their own; this bound also stops a run whose requests keep hanging.
    done, pending = await asyncio.wait(tasks, timeout=duration + REQUEST_TIMEOUT_SECONDS + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()  # a bug in the harness should surface, not read as a slow server
    elapsed = time.perf_counter() - started
    cpu_share = (time.process_time() - cpu_started) / elapsed if elapsed > 0 else 0.0
    return ScenarioResult(scenario.name, sent, errors, elapsed, latencies, cpu_share)


async def measure(
    instance: Instance, scenario: Scenario, *, duration: float, concurrency: int
) -> ScenarioResult:
    """Warm up, then measure, over the same keep-alive connections."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # trust_env=False: no proxy setting from the environment may route the load off this machine.
    async with httpx.AsyncClient(
        base_url=instance.base_url,
        limits=limits,
        timeout=REQUEST_TIMEOUT_SECONDS,
        trust_env=False,
    ) as client:
        headers = scenario.headers(instance)
        await drive(client, scenario, headers, duration=WARM_UP_SECONDS, concurrency=concurrency)
        return await drive(client, scenario, headers, duration=duration, concurrency=concurrency)


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


def run_cli(label: str, args: list[str], env: dict[str, str]) -> str:
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
            timeout=CLI_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"`kliento {label}` did not finish within {CLI_TIMEOUT_SECONDS:.0f} s") from error
    if completed.returncode != 0:
        # The label, not the arguments: they hold the owner's password.
        output = tail(completed.stdout + "\n" + completed.stderr)
        raise BenchError(f"`kliento {label}` exited with code {completed.returncode}:\n{output}")
    progress(f"  kliento {label}: done in {time.perf_counter() - started:.1f} s")
    return completed.stdout


def prepare_instance(env: dict[str, str]) -> tuple[str, dict[str, int]]:
    """Migrate, create the organization and its owner, and mint a viewer API key; return the key."""
    password = secrets.token_urlsafe(24)
    init_args = ["init", "--org", "Bench", "--email", "bench@example.com", "--password", password]
    run_cli("init", init_args, env)
    key_args = ["apikey", "create", "--org", ORG_SLUG, "--role", "viewer", "--name", "bench"]
    lines = [line.strip() for line in run_cli("apikey create", key_args, env).splitlines() if line.strip()]
    if not lines:
        raise BenchError("`kliento apikey create` printed no key")
    return lines[-1], {"organizations": 1, "users": 1}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    started = time.monotonic()
    last_outcome = "no answer"
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() - started < READY_TIMEOUT_SECONDS:
            if process.poll() is not None:
                log = tail(log_path.read_text(errors="replace"))
                raise BenchError(f"the server exited with code {process.returncode}:\n{log}")
            try:
                status = client.get(READY_PATH).status_code
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
        f"GET {READY_PATH} did not answer 200 within {READY_TIMEOUT_SECONDS:.0f} s "
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


@contextlib.contextmanager
def served(env: dict[str, str], *, workers: int, log_path: Path) -> Iterator[str]:
    """Run `kliento serve` on a free local port for the duration of the block; yield its URL."""
    port = free_port()
    progress(f"Starting kliento serve on {HOST}:{port} with {workers} workers")
    command = [sys.executable, "-m", "kliento", "serve", "--host", HOST, "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so stop_server can reach the workers too
        )
    try:
        base_url = f"http://{HOST}:{port}"
        wait_until_ready(process, base_url, log_path)
        yield base_url
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


def drop_postgres_database() -> None:
    # FORCE (PostgreSQL 13+) ends connections a killed server may have left behind.
    name = sql.Identifier(POSTGRES_BENCH_DATABASE)
    postgres_admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def postgres_version() -> str:
    with psycopg.connect(POSTGRES_BENCH_URL, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def benchmark_instance(label: str, database_url: str | None, args: argparse.Namespace) -> DatabaseReport:
    """Prepare a fresh instance, serve it and run every scenario against it."""
    with tempfile.TemporaryDirectory(prefix="kliento-bench-") as var_name:
        var_dir = Path(var_name)
        progress(f"Preparing a fresh instance in {var_dir}")
        env = instance_env(var_dir, database_url)
        api_key, data = prepare_instance(env)
        version = postgres_version() if database_url else sqlite3.sqlite_version
        report = DatabaseReport(label, version=version, data=data)
        with served(env, workers=args.workers, log_path=var_dir / "server.log") as base_url:
            instance = Instance(base_url=base_url, api_key=api_key, data=data)
            for scenario in SCENARIOS:
                progress(
                    f"  {scenario.name}: {WARM_UP_SECONDS:.0f} s warm-up, then {args.duration:g} s "
                    f"at concurrency {args.concurrency}"
                )
                result = asyncio.run(
                    measure(instance, scenario, duration=args.duration, concurrency=args.concurrency)
                )
                progress(f"  {scenario.name}: {summary(result)}")
                report.results.append(result)
        return report


def benchmark_sqlite(args: argparse.Namespace) -> DatabaseReport:
    return benchmark_instance("SQLite", None, args)


def benchmark_postgres(args: argparse.Namespace) -> DatabaseReport:
    drop_postgres_database()
    postgres_admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(POSTGRES_BENCH_DATABASE)))
    try:
        return benchmark_instance("PostgreSQL", POSTGRES_BENCH_URL, args)
    finally:
        with contextlib.suppress(psycopg.Error):
            drop_postgres_database()


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
    changed = " with local changes" if git("status", "--porcelain", "--untracked-files=no") else ""
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
    lines += [f"Version {report.version}. Data: {data}.", ""]
    lines += ["| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms |"]
    lines += ["|---|---:|---:|---:|---:|---:|---:|"]
    for result in report.results:
        p50, p95, p99 = result.percentiles() or (None, None, None)
        cells = [
            result.name,
            f"{result.requests:,}",
            errors_cell(result),
            f"{result.throughput:,.0f}",
            milliseconds(p50),
            milliseconds(p95),
            milliseconds(p99),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    # Near 100 % the client, not the server, set the pace; readers need that to judge the figures.
    busy = ", ".join(f"{result.name} {result.client_cpu_share:.0%}" for result in report.results)
    return [*lines, "", f"Load generator CPU (share of one core): {busy}.", ""]


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
        "a fresh instance per database",
        f"- Load: {args.concurrency} concurrent keep-alive connections from one asyncio + httpx process; "
        f"{WARM_UP_SECONDS:g} s warm-up, then {args.duration:g} s per scenario",
        "",
        "The load generator runs on the same machine as the server and shares its cores, so the server",
        "has fewer CPUs to itself than it would in production. req/s counts successful (2xx) answers per",
        "second; latencies are those of successful answers as the client saw them; errors are non-2xx",
        "answers and failed requests, by status.",
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


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--duration", type=bounded(float, 0.1, 3600), default=10.0, help="seconds per scenario (10)"
    )
    parser.add_argument(
        "--concurrency", type=bounded(int, 1, 1024), default=16, help="concurrent connections (16)"
    )
    parser.add_argument("--workers", type=bounded(int, 1, 256), default=2, help="app server workers (2)")
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
    return f"python -m bench.run {settings} --workers {args.workers}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    names = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    reports: list[DatabaseReport] = []
    for name in names:
        try:
            reports.append(run_database(name, args))
        except (BenchError, psycopg.Error) as error:
            # Leave the previous RESULTS.md alone: it should always hold one complete run.
            print(f"bench: {name}: {error}", file=sys.stderr, flush=True)
            return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(reports, args, command_line(args)))
    progress(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
