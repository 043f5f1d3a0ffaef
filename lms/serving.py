"""Gunicorn settings for lms: `gunicorn --config python:lms.serving 'lms:create_app()'`.

Anything else (workers, bind address, timeouts) is given on the command line as usual.
"""

from __future__ import annotations


def post_worker_init(worker) -> None:
    """Ready each worker before it accepts its first request (lms.warmup)."""
    from lms.warmup import warm_up

    warm_up(worker.wsgi)
