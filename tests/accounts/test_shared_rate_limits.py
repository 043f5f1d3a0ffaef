"""With Redis as the limiter's storage, a lock-out holds across several app servers."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from lms.extensions import db
from tests import factories

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; the shared-limit test is skipped")
    return REDIS_URL


def test_lock_out_counted_on_one_server_holds_on_another(make_app, redis_url):
    email = f"{uuid.uuid4().hex}@example.org"  # a fresh key: Redis outlives the test
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_url,
                "LOGIN_FAILURES_PER_ACCOUNT": "2 per 15 minutes"}
    first_server = make_app(**settings)
    with first_server.app_context():
        factories.make_user(email=email)
        db.session.commit()
        for _ in range(2):
            factories.log_in(first_server.test_client(), email, "wrong")
    second_server = make_app(**settings)
    with second_server.app_context():
        response = factories.log_in(second_server.test_client(), email)
        assert response.status_code == 429
