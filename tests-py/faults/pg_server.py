"""A private, throwaway PostgreSQL server for tests that disturb the server
(stop it, restart it, fill its connection slots), so the shared test server
and the other tests never see the damage.

It does what .ci/postgres.sh does: initdb into a temporary directory (as the
`postgres` system user when we are root: initdb refuses to run as root), start
on 127.0.0.1 on a free port with its socket in the data directory's parent and
fsync=off. Extra server settings are given as `-c name=value` on the command
line, so they can change from one start to the next.

    from pg_server import PgServer, pg_server_or_skip

    server = pg_server_or_skip(settings={"max_connections": 5})  # skips if no binaries
    url = server.url                # postgresql://postgres@127.0.0.1:PORT/postgres
    server.stop(); server.start()   # same port, same data
    server.restart(mode="fast")
    server.cleanup()                # stops (immediate) and deletes the directory

As fixtures: `private_pg` (module scope: one initdb per test module, ~1-2 s),
or call `PgServer(...)` yourself with other settings. Import this module from a
test file in tests-py/faults (pytest puts that folder on sys.path) and, to use
the fixtures, import them into the test module as well:
`from pg_server import private_pg  # noqa: F401`.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

__all__ = ["PgServer", "pg_bindir", "pg_server_or_skip", "private_pg", "NO_POSTGRES"]

NO_POSTGRES = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin "
    "(Debian package `postgresql`); private-server tests did not run"
)


def pg_bindir() -> str | None:
    """The newest /usr/lib/postgresql/N/bin holding initdb and pg_ctl, or $PG_BINDIR; None if absent."""
    candidates = [os.environ["PG_BINDIR"]] if os.environ.get("PG_BINDIR") else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else x for x in p.split("/")],
        reverse=True,
    )
    for d in candidates:
        if os.access(os.path.join(d, "initdb"), os.X_OK) and os.access(os.path.join(d, "pg_ctl"), os.X_OK):
            return d
    return None


def server_environment() -> dict[str, str]:
    """This process's environment without the sanitizer runtime that
    .ci/sanitize preloads into Python: the PostgreSQL tools must run as built."""
    return {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One private PostgreSQL cluster: initdb at construction, started unless start=False."""

    def __init__(
        self, settings: dict[str, object] | None = None, start: bool = True, bindir: str | None = None
    ):
        self.bindir = bindir or pg_bindir()
        if self.bindir is None:
            raise RuntimeError(NO_POSTGRES)
        self.settings = dict(settings or {})
        self.root = tempfile.mkdtemp(prefix="cormorant-pg-private.")
        self.data = os.path.join(self.root, "data")
        self.log = os.path.join(self.root, "server.log")
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, user="postgres")
        try:
            self._run(
                "initdb",
                "-D",
                self.data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                timeout=120,
            )
            if start:
                self.start()
        except BaseException:
            self.cleanup()
            raise

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _cmd(self, tool: str, *args: str) -> list[str]:
        cmd = [os.path.join(self.bindir, tool), *args]
        return ["runuser", "-u", "postgres", "--", *cmd] if self._as_root else cmd

    def _run(
        self, tool: str, *args: str, timeout: float = 60, check: bool = True
    ) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            self._cmd(tool, *args),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=server_environment(),
        )
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}\n{self.server_log()}"
            )
        return proc

    def server_log(self, tail: int = 4000) -> str:
        try:
            with open(self.log) as f:
                return f.read()[-tail:]
        except OSError:
            return ""

    def _options(self) -> str:
        settings = {"listen_addresses": "127.0.0.1", "fsync": "off", **self.settings}
        opts = [f"-p {self.port}", f"-k {self.root}"]
        opts += [f"-c {name}={value}" for name, value in settings.items()]
        return " ".join(opts)

    def start(self, settings: dict[str, object] | None = None) -> None:
        """Starts the server (waits until it accepts connections); `settings` replace earlier extras."""
        if settings is not None:
            self.settings = dict(settings)
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", self._options(), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stops the server: mode is pg_ctl's smart / fast / immediate."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def psql(self, sql: str) -> str:
        """Runs SQL with the server's own psql (not cormorant): for setup and checks."""
        return self._run(
            "psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", sql
        ).stdout.strip()

    def cleanup(self) -> None:
        """Stops the server (immediate: nothing to keep) and deletes its directory; safe to repeat."""
        if os.path.isdir(os.path.join(self.data, "global")):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def pg_server_or_skip(settings: dict[str, object] | None = None, start: bool = True) -> PgServer:
    """A PgServer, or pytest.skip with the reason when PostgreSQL's binaries are absent."""
    if pg_bindir() is None:
        pytest.skip(NO_POSTGRES)
    return PgServer(settings, start=start)


@pytest.fixture(scope="module")
def private_pg():
    """A private server shared by one test module; a test that stops it must start it again."""
    server = pg_server_or_skip()
    try:
        yield server
    finally:
        server.cleanup()
