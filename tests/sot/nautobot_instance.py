"""A throwaway Nautobot on 127.0.0.1: its own PostgreSQL cluster and Redis in a temp folder, migrated,
with a superuser and an API token; everything is stopped and removed on exit.

    with NautobotInstance.start() as nb:      # nb.url, nb.token
        ...

``python -m tests.sot.nautobot_instance`` starts one and waits (Ctrl-C tears it down), for trying the
export by hand. Nautobot runs from its own venv (``NAUTOBOT_VENV``, default .venv-nautobot in the checkout; scripts/test
creates it): its pins are not aiinfra's. PostgreSQL refuses to run as root, so as root the cluster runs
as the ``postgres`` user the Debian package creates.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VENV = Path(os.environ.get("NAUTOBOT_VENV", Path(__file__).resolve().parents[2] / ".venv-nautobot"))
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), Path("/usr/bin"))
ADMIN, PASSWORD = "admin", "aiinfra-test-only"
CACHE = Path(os.environ.get("AIINFRA_NAUTOBOT_CACHE", Path.home() / ".cache" / "aiinfra"))
"""A migrated empty database is kept here (``pg_dump``) per Nautobot version: migrating from nothing runs
some 400 migrations (minutes on a busy machine), restoring the dump takes seconds."""


def nautobot_version() -> str:
    found = sorted((VENV / "lib").glob("python3*/site-packages/nautobot-*.dist-info"))
    return found[-1].name.removeprefix("nautobot-").removesuffix(".dist-info") if found else "unknown"


def available() -> str | None:
    """Why no instance can start here, or None when one can."""
    if not (VENV / "bin" / "nautobot-server").is_file():
        return f"no nautobot-server in {VENV} (scripts/test installs nautobot there)"
    if not (PG_BIN / "initdb").is_file() or shutil.which("redis-server") is None:
        return "PostgreSQL (initdb) or redis-server is not installed"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class NautobotInstance:
    url: str
    token: str
    root: Path
    timings: dict[str, float]

    @classmethod
    @contextmanager
    def start(cls) -> Iterator[NautobotInstance]:
        root = Path(tempfile.mkdtemp(prefix="aiinfra-nautobot-"))
        procs: list[subprocess.Popen[bytes]] = []
        pg = root / "pg"
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        timings: dict[str, float] = {}
        began = time.monotonic()
        try:
            if as_pg:
                shutil.chown(root, "postgres")
            pg_port, redis_port, http_port = free_port(), free_port(), free_port()
            _run([*as_pg, str(PG_BIN / "initdb"), "-D", str(pg), "-A", "trust", "-U", "nautobot", "--no-sync"])
            opts = f"-p {pg_port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
            _run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(pg), "-o", opts, "-l", str(root / "pg.log"), "-w", "start"])
            pg_args = ["-h", "127.0.0.1", "-p", str(pg_port), "-U", "nautobot"]
            _run([str(PG_BIN / "createdb"), *pg_args, "nautobot"])
            dump = CACHE / f"nautobot-{nautobot_version()}-migrated.dump"
            if dump.is_file():
                _run([str(PG_BIN / "pg_restore"), *pg_args, "-d", "nautobot", "--no-owner", str(dump)])
                timings["restored_cache"] = 1.0
            procs.append(
                subprocess.Popen(
                    [
                        "redis-server",
                        "--port",
                        str(redis_port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--dir",
                        str(root),
                    ],
                    stdout=subprocess.DEVNULL,
                )
            )
            env = {
                **os.environ,
                "NAUTOBOT_ROOT": str(root / "nautobot"),
                "NAUTOBOT_CONFIG": str(root / "nautobot" / "nautobot_config.py"),
                "NAUTOBOT_DB_HOST": "127.0.0.1",
                "NAUTOBOT_DB_PORT": str(pg_port),
                "NAUTOBOT_DB_USER": "nautobot",
                "NAUTOBOT_DB_PASSWORD": "",
                "NAUTOBOT_DB_NAME": "nautobot",
                "NAUTOBOT_REDIS_HOST": "127.0.0.1",
                "NAUTOBOT_REDIS_PORT": str(redis_port),
                "NAUTOBOT_ALLOWED_HOSTS": "*",
                "NAUTOBOT_SECRET_KEY": secrets.token_urlsafe(40),
                "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            }
            server = str(VENV / "bin" / "nautobot-server")
            _run([server, "init", "--disable-installation-metrics", env["NAUTOBOT_CONFIG"]], env=env)
            timings["setup_s"] = time.monotonic() - began
            t = time.monotonic()
            _run([server, "migrate", "--no-input"], env=env, log=root / "migrate.log")
            timings["migrate_s"] = time.monotonic() - t
            if not dump.is_file():
                CACHE.mkdir(parents=True, exist_ok=True)
                _run([str(PG_BIN / "pg_dump"), *pg_args, "-Fc", "-f", f"{dump}.tmp", "nautobot"])
                os.replace(f"{dump}.tmp", dump)
            _run([server, "createsuperuser", "--no-input", "--username", ADMIN, "--email", "a@example.com"], env=env)
            log = (root / "server.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [server, "runserver", f"127.0.0.1:{http_port}", "--noreload", "--insecure"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            url = f"http://127.0.0.1:{http_port}"
            _wait_for(url + "/api/status/", procs[-1], root / "server.log")
            token = _token(url)
            timings["start_s"] = time.monotonic() - began
            yield cls(url, token, root, timings)
        finally:
            for proc in reversed(procs):
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if (pg / "postmaster.pid").exists():
                subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(pg), "-m", "immediate", "stop"], check=False)
            shutil.rmtree(root, ignore_errors=True)


def _run(argv: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd="/")
    if log is not None:
        log.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:3])} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nautobot-server exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if isinstance(exc, urllib.error.HTTPError) and exc.code in (401, 403):
                return  # up, and asking for a token
            time.sleep(1)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _token(url: str) -> str:
    """A write-enabled API token for the superuser (Nautobot provisions one over basic auth)."""
    basic = base64.b64encode(f"{ADMIN}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        url + "/api/users/tokens/",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        key: str = json.loads(response.read())["key"]
        return key


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    why = available()
    if why:
        sys.exit(why)
    # SIGTERM (timeout, kill) must tear down too, as Ctrl-C does: PostgreSQL outlives its parent otherwise.
    signal.signal(signal.SIGTERM, _interrupt)
    with NautobotInstance.start() as nb:
        print(f"url={nb.url} token={nb.token} timings={nb.timings}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
