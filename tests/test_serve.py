"""`kliento serve` as a real process: granian and its workers, over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

HOST = "127.0.0.1"
WORKERS = 2
START_TIMEOUT_SECONDS = 60.0
RESPAWN_TIMEOUT_SECONDS = 30.0

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc")


def _port() -> int:
    """KLIENTO_TEST_SERVE_PORT when set (machines that hand out ports), else a free one."""
    configured = int(os.environ.get("KLIENTO_TEST_SERVE_PORT", "0"))
    if configured:
        return configured
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> set[int]:
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children.update(int(child) for child in (task / "children").read_text().split())
    return children


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    # The server's own instance: what is tested is process supervision, which no database changes.
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLIENTO_") and k != "REDIS_URL"}
    env["KLIENTO_VAR_DIR"] = str(tmp_path)
    port = _port()
    command = [sys.executable, "-m", "kliento", "serve", "--host", HOST, "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(WORKERS)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group, so the workers stop with it
    )
    url = f"http://{HOST}:{port}/accounts/login/"
    try:
        started = _wait_for(
            lambda: len(_children(process.pid)) == WORKERS and _answers(url), START_TIMEOUT_SECONDS
        )
        assert started, "kliento serve did not start its workers and answer"
        yield process, url
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=10)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(server):
    process, url = server
    victim = min(_children(process.pid))

    os.kill(victim, signal.SIGKILL)

    def replaced() -> bool:
        workers = _children(process.pid)
        return victim not in workers and len(workers) == WORKERS

    assert _wait_for(replaced, RESPAWN_TIMEOUT_SECONDS), "the killed worker was not replaced"
    assert process.poll() is None
    assert all(_answers(url) for _ in range(10))
