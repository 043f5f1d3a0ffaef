"""Settings read from the environment, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment asks for something the app refuses to run with."""


LANGUAGES = ("en", "ru", "be")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path, production: bool, given: str | None) -> str:
    key = given or os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when LMS_ENV=production.")
    # A development key is kept in instance/ so sessions survive a restart.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'lms.sqlite3'}"
    # Hosting platforms still hand out postgres:// URLs; psycopg 3 wants its own dialect name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: Path, secret_key: str | None = None) -> dict:
    """Build the configuration mapping from environment variables."""
    production = os.environ.get("LMS_ENV", "development") == "production"
    return {
        "LMS_ENV": "production" if production else "development",
        "SECRET_KEY": _secret_key(instance_path, production, secret_key),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_HOURS", "12")) * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LANGUAGE", "ru"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Minsk"),
        "LANGUAGES": LANGUAGES,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_IP": os.environ.get("LOGIN_LIMIT_PER_IP", "30 per minute"),
        "LOGIN_FAILURES_PER_ACCOUNT": os.environ.get(
            "LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes"
        ),
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "14")),
        "RESET_HOURS": int(os.environ.get("RESET_HOURS", "24")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "lms@localhost"),
        # The address people use, for links in messages (e.g. https://lms.example.by).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        # How many reverse proxies stand in front of the app; their X-Forwarded-* headers
        # are then trusted, so rate limits see the visitor's address, not the proxy's.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PAGE_SIZE": 50,
        # Months after a cohort ends when authors of accepted plans report their progress.
        "PLAN_FOLLOW_UP_MONTHS": os.environ.get("PLAN_FOLLOW_UP_MONTHS", "3,6"),
        # Reports: the programme's name on donor summaries, and the smallest number of
        # people a breakdown cell may show exactly.
        "PROGRAMME_NAME": os.environ.get(
            "PROGRAMME_NAME", "E-government capacity-building programme for civil servants"
        ),
        "REPORT_MIN_CELL": int(os.environ.get("REPORT_MIN_CELL", "5")),
        # A computed report is reused for this long: opening, filtering back and downloading
        # then show the same figures without recomputing them. 0 turns it off.
        "REPORT_CACHE_SECONDS": int(os.environ.get("REPORT_CACHE_SECONDS", "60")),
        # After that, it is still shown (with the time it was computed) for this long while
        # it is recomputed behind the scenes.
        "REPORT_STALE_SECONDS": int(os.environ.get("REPORT_STALE_SECONDS", "3600")),
        # The longest a report may take to compute: others asking for it wait this long.
        "REPORT_BUILD_SECONDS": int(os.environ.get("REPORT_BUILD_SECONDS", "120")),
        # A report's figure families are computed side by side on this many database
        # connections (1: one after the other, on the request's own connection).
        "REPORT_QUERY_THREADS": int(os.environ.get("REPORT_QUERY_THREADS", "2")),
        # PostgreSQL memory for each sort or hash of a report's queries (its work_mem).
        "REPORT_WORK_MEM": os.environ.get("REPORT_WORK_MEM", "64MB"),
        # Where: this process's memory by default; "RedisCache" with CACHE_REDIS_URL shares
        # it between app servers.
        "CACHE_TYPE": os.environ.get("CACHE_TYPE", "SimpleCache"),
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL", ""),
        # Benchmarks only: tell in a response header how many SQL statements a request ran.
        "QUERY_COUNT_HEADER": _bool("QUERY_COUNT_HEADER", False),
    }


def for_tests(database_url: str, instance_path: Path) -> dict:
    """Settings for the test suite: fast hashing is not used, security stays on."""
    return {
        "TESTING": True,
        "LMS_ENV": "development",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(instance_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "REPORT_CACHE_SECONDS": 0,
        "BABEL_DEFAULT_LOCALE": "en",
        "SERVER_NAME": None,
    }
