"""Readying a new server process before its first request."""

from __future__ import annotations

import gc
import time

from flask import Flask


def warm_up(app: Flask) -> None:
    """Compile every page template and the report's SQL statements, load each language's
    data, then set aside (`gc.freeze`) what the process now holds from the garbage collector.

    A new process otherwise pays for all of it in its first readers' requests: the first
    dashboard after a restart compiled a hundred templates and dozens of statements, and ran
    a full collection over everything the process had loaded. Frozen objects are never
    scanned again, which also shortens the collections of every later request. Failing to
    warm up is logged, not fatal: the process serves as it would have without it.
    """
    from lms.reports.views import rehearse

    started = time.perf_counter()
    templates = app.jinja_env.list_templates(extensions=["html"])
    try:
        for name in templates:
            app.jinja_env.get_template(name)
        with app.test_request_context():
            rehearse(app.config["LANGUAGES"])
    except Exception:  # the database may be down while the server starts
        app.logger.exception("Warming up failed; the first requests will be slower")
    else:
        app.logger.info("Warmed up in %.1f s: %d templates, the report in %s",
                        time.perf_counter() - started, len(templates),
                        ", ".join(app.config["LANGUAGES"]))
    gc.collect()
    gc.freeze()
