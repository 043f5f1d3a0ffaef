"""A new server process readies itself before its first request (lms.warmup, lms.serving)."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import CacheStats

from lms import config, create_app
from lms.extensions import db
from lms.warmup import warm_up
from tests import factories
from tests.reports import programme

# Whole months; the default period (the year so far, a part month at its end); part months
# at both edges; no whole month.
PERIODS = ("/reports/?from=2017-01-01&to=2017-12-31", "/reports/",
           "/reports/?from=2017-01-20&to=2017-03-10", "/reports/?from=2017-02-03&to=2017-02-20")


@pytest.fixture(autouse=True)
def _unfreeze():
    yield
    gc.unfreeze()


def _compiled_during(app, client, path: str) -> list[str]:
    """The statements a request had to compile (they were not in the engine's cache)."""
    compiled = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if context is not None and context.cache_hit is CacheStats.CACHE_MISS:
            compiled.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return compiled


def test_the_first_dashboards_after_warming_up_compile_no_sql(make_app):
    warmed, cold = make_app(), make_app()
    with warmed.app_context():
        programme.build()
        staff = factories.make_user("staff")
        db.session.commit()
        signed_in = staff.get_id()
    warm_up(warmed)
    clients = {}
    for app in (warmed, cold):
        # Both apps have served a page before: only the report is new to them.
        clients[app] = app.test_client()
        with clients[app].session_transaction() as session:
            session["_user_id"] = signed_in
        clients[app].get("/")
    compiled_cold = []
    for path in PERIODS:
        assert _compiled_during(warmed, clients[warmed], path) == []
        compiled_cold += _compiled_during(cold, clients[cold], path)
    assert len(compiled_cold) > 20  # what the first reader waits for without warming up
    # And every page template was compiled, not only the report's.
    env = warmed.jinja_env
    cached = {name for _loader, name in env.cache}
    assert set(env.list_templates(extensions=["html"])) <= cached
    assert gc.get_freeze_count() > 0


def test_a_server_starting_without_its_database_still_starts(tmp_path, caplog):
    missing = tmp_path / "no-such-folder" / "lms.sqlite3"
    app = create_app(config.for_tests(f"sqlite:///{missing}", tmp_path))
    warm_up(app)
    assert "Warming up failed; the first requests will be slower" in caplog.text
    assert "Warmed up" not in caplog.text
    assert gc.get_freeze_count() > 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_lms_settings_warms_each_worker_up(database_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
           "LMS_INSTANCE_PATH": str(tmp_path), "LMS_ENV": "development"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--config", "python:lms.serving", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "lms:create_app()"],
        env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as page:
                    status = page.status
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1]
    assert "Warmed up in" in log and "Warming up failed" not in log
