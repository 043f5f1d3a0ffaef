"""`make bench`: lms under gunicorn against the plain-Flask floor, at two data sizes.

For each database (SQLite, PostgreSQL) and size (officials), it builds a fresh database with
the built-in courses and generated programme data, serves lms and the two floor apps with
the same gunicorn settings, drives each scenario from this process for a fixed time, and
writes a Markdown table to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.driver import Measurement, run
from bench.floor import table_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# Long enough for a report computed cold on the large data set; the same for every server.
TIMEOUT = int(os.environ.get("BENCH_GUNICORN_TIMEOUT", "120"))
PORTS = {"lms": 5601, "plain": 5602, "table": 5603}
DASHBOARD = "reporting dashboard"
RECOMPUTATIONS = 5
COLD = f"{DASHBOARD}, first view after the server started (computed, not cached)"
# The same report computed again by servers that have run it before: what a reader waits
# for once the cached one has expired or the filters are new.
AGAIN = f"{DASHBOARD}, computed again (not cached; median of {RECOMPUTATIONS})"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
# Two requests in turn, each timed and counted: a quiz started, then submitted.
START_AND_SUBMIT = "quiz start, then submission (each request)"
# The dashboard computed cold: under one second for 100,000 officials on PostgreSQL, and
# under 300 ms for 10,000 on SQLite (database: officials, milliseconds).
DASHBOARD_TARGETS = {"postgresql": (100_000, 1000), "sqlite": (10_000, 300)}
# Sizes measured when none are given: each database at the size of its dashboard target too.
DEFAULT_SIZES = {"postgresql": (1000, 100_000), "sqlite": (1000, 10_000, 100_000)}
# Pages an official uses: judged against the targets of the issue.
OFFICIAL_FACING = {"official home", "lesson page", "quiz attempt page", "answer save",
                   START_AND_SUBMIT, "self check-in"}


# ---------------------------------------------------------------------------------------
# Data

def database_url(kind: str, size: int) -> str:
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"lms-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import sqlalchemy as sa

    name = f"lms_bench_{size}"
    engine = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return POSTGRES_SERVER.rsplit("/", 1)[0] + "/" + name


def environment(url: str, **extra) -> dict:
    # Reports are cached in Redis, as with several app servers: the workers share them.
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key",
            "LMS_ENV": "development", "RATELIMIT_ENABLED": "0", "QUERY_COUNT_HEADER": "1",
            "LMS_INSTANCE_PATH": str(DATA / "instance"), "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS_URL, **extra}


def empty_cache() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


SESSIONS = 10


def flask(url: str, *args: str) -> str:
    return subprocess.run([str(BIN / "flask"), "--app", "lms", *args], cwd=ROOT, check=True,
                          env=environment(url), capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Built:
    seconds: float
    attendance: int  # attendance records generated


def build(url: str, size: int) -> Built:
    started = time.perf_counter()
    flask(url, "db", "upgrade")
    flask(url, "content", "import", "courses/")
    # Ten sessions a cohort: 100,000 officials come with over a million attendance records,
    # the size the reports' targets are set for.
    said = flask(url, "demo", "generate", "--officials", str(size), "--sessions", str(SESSIONS))
    attendance = re.search(r"(\d+) attendance records", said)
    return Built(time.perf_counter() - started, int(attendance.group(1)) if attendance else 0)


@dataclass
class Fixture:
    officials: list[str]
    trainer: str
    staff: str
    password: str
    quiz_id: int
    session_id: int
    cohort_id: int
    check_in_secret: str
    app: object  # for computing the current check-in code as the projector would


def prepare(url: str) -> Fixture:
    """A session open for check-in now, a practice quiz, and the people who use them."""
    os.environ.update(environment(url))
    from bench.fixture import make_fixture
    from lms import create_app
    from lms.scale_data import PASSWORD

    app = create_app()
    with app.app_context():
        values = make_fixture(CONCURRENCY)
    return Fixture(password=PASSWORD, app=app, **values)


# ---------------------------------------------------------------------------------------
# Servers

def serve(name: str, target: str, env: dict, *settings: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--timeout", str(TIMEOUT),
         "--bind", f"127.0.0.1:{PORTS[name]}", "--log-level", "warning", *settings, target],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORTS[name]}/", timeout=2).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{name} did not start")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------
# Scenarios

BASE = f"http://127.0.0.1:{PORTS['lms']}"


async def signed_in(email: str, password: str) -> tuple[httpx.AsyncClient, dict]:
    client = httpx.AsyncClient(base_url=BASE, timeout=TIMEOUT)
    page = await client.get("/login")
    token = _csrf(page.text)
    response = await client.post("/login", data={"email": email, "password": password,
                                                  "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}")
    home = await client.get("/")
    return client, {"csrf": _csrf(home.text)}


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def get(path: str):
    async def step(client, state):
        return await client.get(path)
    return step


async def scenarios(fixture: Fixture) -> list[tuple[str, list, object]]:
    officials = [await signed_in(email, fixture.password) for email in fixture.officials]
    trainer = [await signed_in(fixture.trainer, fixture.password)] * CONCURRENCY
    staff = [await signed_in(fixture.staff, fixture.password)] * CONCURRENCY
    anonymous = [(httpx.AsyncClient(base_url=BASE, timeout=TIMEOUT), {})
                 for _ in range(CONCURRENCY)]
    for client, state in officials:
        response = await client.post(f"/quizzes/{fixture.quiz_id}/start",
                                      data={"csrf_token": state["csrf"]})
        state["attempt"] = int(response.headers["location"].rstrip("/").split("/")[-1])
        state["sequence"] = 0

    async def save(client, state):
        state["sequence"] += 1
        return await client.post(
            f"/quizzes/attempts/{state['attempt']}/save",
            data={"csrf_token": state["csrf"], "sequence": str(state["sequence"])},
            headers={"Accept": "application/json"})

    async def start(client, state):
        started = await client.post(f"/quizzes/{fixture.quiz_id}/start",
                                    data={"csrf_token": state["csrf"]})
        state["started"] = started.headers.get("location", "").rstrip("/").split("/")[-1]
        return started

    async def submit(client, state):
        return await client.post(f"/quizzes/attempts/{state['started']}/submit",
                                 data={"csrf_token": state["csrf"], "sequence": "1"})

    async def check_in(client, state):
        from lms.attendance.checkin import current_code

        with fixture.app.app_context():
            code = current_code(fixture.session_id, fixture.check_in_secret)
        response = await client.post("/check-in", data={
            "csrf_token": state["csrf"], "code": code, "session_id": str(fixture.session_id)})
        # After the first, a check-in is refused as "already checked in" (422): the same work.
        if response.status_code == 422:
            return httpx.Response(200, headers=response.headers)
        return response

    period = "from=2017-01-01&to=2026-12-31"
    return [
        ("login page", anonymous, get("/login")),
        ("official home", officials, get("/")),
        ("lesson page", officials, get("/modules/estonia/lessons/x-road")),
        ("quiz attempt page", officials,
         lambda client, state: client.get(f"/quizzes/attempts/{state['attempt']}")),
        ("answer save", officials, save),
        (START_AND_SUBMIT, officials, (start, submit)),
        ("self check-in", officials, check_in),
        ("trainer's register page", trainer,
         get(f"/sessions/{fixture.session_id}/register")),
        ("cohort page", staff, get(f"/cohorts/{fixture.cohort_id}")),
        (DASHBOARD, staff, get(f"/reports/?{period}")),
        ("CSV export", staff, get(f"/reports/tables/gender.csv?{period}")),
    ]


async def floor(name: str) -> Measurement:
    clients = [(httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS[name]}", timeout=30), {})
               for _ in range(CONCURRENCY)]
    try:
        return await run(clients, get("/"), seconds=SECONDS)
    finally:
        for client, _state in clients:
            await client.aclose()


async def measure(fixture: Fixture) -> dict[str, Measurement]:
    results = {"floor: plain Flask": await floor("plain"),
               "floor: Flask + SQLAlchemy, 20-row table": await floor("table")}
    for name, clients, step in await scenarios(fixture):
        if name == DASHBOARD:
            results[COLD] = await once(clients[0], step)
            results[AGAIN] = await recomputed(clients[0], step)
        results[name] = await run(clients, step, seconds=SECONDS)
    return results


async def once(client_and_state, step) -> Measurement:
    """One request, timed alone: the dashboard's first view, before any report is cached."""
    client, state = client_and_state
    started = time.perf_counter()
    try:
        response = await step(client, state)
        ok, count = response.status_code < 400, response.headers.get("X-Query-Count")
    except httpx.HTTPError:
        ok, count = False, None
    elapsed = time.perf_counter() - started
    return Measurement(1, 0 if ok else 1, elapsed, [elapsed * 1000],
                       [int(count)] if count else [])


async def recomputed(client_and_state, step) -> Measurement:
    """The same request timed alone several times, each after the cache was emptied."""
    latencies, queries, errors = [], [], 0
    for _ in range(RECOMPUTATIONS):
        empty_cache()
        m = await once(client_and_state, step)
        latencies += m.latencies_ms
        queries += m.queries
        errors += m.errors
    return Measurement(RECOMPUTATIONS, errors, sum(latencies) / 1000, latencies, queries)


# ---------------------------------------------------------------------------------------
# Report

def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip() or "unknown"


def table(kind: str, runs: dict[int, dict[str, Measurement]], built: dict[int, Built]) -> str:
    lines = [f"### {kind}", ""]
    for size, results in runs.items():
        floor_rps = results["floor: Flask + SQLAlchemy, 20-row table"].rps
        lines += [f"{size:,} officials, {built[size].attendance:,} attendance records "
                  f"(data generated in {built[size].seconds:.0f} s)", "",
                  "| scenario | req/s | p50 ms | p99 ms | errors | SQL/req | % of table floor |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name, m in results.items():
            if name in (COLD, AGAIN):  # requests timed alone: their latency is the figure
                lines.append(f"| {name} | – | {m.percentile(50):.1f} | {m.percentile(99):.1f} | "
                             f"{m.errors} | {m.queries_per_request:.1f} | – |")
                continue
            lines.append(
                f"| {name} | {m.rps:.0f} | {m.percentile(50):.1f} | {m.percentile(99):.1f} | "
                f"{m.errors} | {m.queries_per_request:.1f} | {100 * m.rps / floor_rps:.0f}% |")
        lines.append("")
    lines += dashboard_target(kind, runs)
    sizes = sorted(runs)
    if len(sizes) >= 2:
        small, large = runs[sizes[0]], runs[sizes[-1]]
        lines += [f"Growth from {sizes[0]:,} to {sizes[-1]:,} officials, and the targets "
                  f"(at {sizes[-1]:,}: official pages at least 35% of the table floor, p99 at "
                  "most 250 ms, official pages at most 1.5 times slower):", "",
                  "| scenario | p50 small | p50 large | slowdown | targets |",
                  "| --- | ---: | ---: | ---: | --- |"]
        floor_rps = large["floor: Flask + SQLAlchemy, 20-row table"].rps
        for name in small:
            if name.startswith("floor"):
                continue
            a, b = small[name], large[name]
            slowdown = b.percentile(50) / a.percentile(50) if a.percentile(50) else 0
            misses = []
            if name in (COLD, AGAIN):
                target = DASHBOARD_TARGETS.get(kind)
                if target is None or target[0] != sizes[-1]:
                    lines.append(f"| {name} | {a.percentile(50):.1f} | {b.percentile(50):.1f} "
                                 f"| {slowdown:.2f}x | no target at this size |")
                    continue
                if b.percentile(50) > target[1]:
                    misses.append(f"over {target[1]:,} ms")
            elif not b.requests or not a.requests:
                misses.append("no request completed in time")
            elif b.percentile(99) > 250:
                misses.append("p99 over 250 ms")
            if name in OFFICIAL_FACING and b.requests:
                if b.rps < 0.35 * floor_rps:
                    misses.append("under 35% of floor")
                if slowdown > 1.5:
                    misses.append("slows more than 1.5x")
            verdict = "MISSED: " + ", ".join(misses) if misses else "met"
            lines.append(f"| {name} | {a.percentile(50):.1f} | {b.percentile(50):.1f} | "
                         f"{slowdown:.2f}x | {verdict} |")
        lines.append("")
    return "\n".join(lines)


def dashboard_target(kind: str, runs: dict[int, dict[str, Measurement]]) -> list[str]:
    """The dashboard's target for this database, judged on the size it is set for."""
    if kind not in DASHBOARD_TARGETS or DASHBOARD_TARGETS[kind][0] not in runs:
        return []
    size, ms = DASHBOARD_TARGETS[kind]
    said = []
    for name, short in ((AGAIN, "computed again (median)"),
                        (COLD, "first view after the server started")):
        value = runs[size][name].percentile(50)
        said.append(f"{short} {value:.0f} ms, {'met' if value <= ms else 'MISSED'}")
    return [f"Dashboard target at {size:,} officials, under {ms:,} ms: " + "; ".join(said)
            + ".", ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", help="officials, comma-separated (default: 1,000 and "
                        "100,000, and 10,000 on SQLite: each database's dashboard target)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    sections = []
    for kind in args.databases.split(","):
        sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
                 else DEFAULT_SIZES[kind])
        runs, built = {}, {}
        for size in sizes:
            url = database_url(kind, size)
            print(f"[{kind}, {size:,} officials] building data…", flush=True)
            built[size] = build(url, size)
            fixture = prepare(url)
            table_app()  # makes its table once: two workers making it at once would collide
            env = environment(url)
            empty_cache()
            # lms as the README deploys it: each worker warms up before its first request.
            servers = [serve("lms", "lms:create_app()", env, "--config", "python:lms.serving"),
                       serve("plain", "bench.floor:plain_app()", env),
                       serve("table", "bench.floor:table_app()", env)]
            try:
                print(f"[{kind}, {size:,} officials] measuring…", flush=True)
                runs[size] = asyncio.run(measure(fixture))
            finally:
                for server in servers:
                    stop(server)
        sections.append(table(kind, runs, built))
    now = dt.datetime.now(dt.UTC)
    header = (f"# lms benchmark, {now:%Y-%m-%d %H:%M} UTC\n\n"
              f"Commit {commit()}; {os.cpu_count()} cores ({platform.machine()}); gunicorn "
              f"{WORKERS} sync workers; {CONCURRENCY} concurrent clients for {SECONDS:.0f} s "
              "a scenario after 1 s of warm-up; Python "
              f"{platform.python_version()}.\n")
    text = header + "\n" + "\n".join(sections)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{now:%Y-%m-%d}-{commit()}.md"
    path.write_text(text, encoding="utf-8")
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
