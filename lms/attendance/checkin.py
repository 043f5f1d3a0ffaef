"""Self check-in codes: short, rotating, derived from a per-session secret, never stored.

code = HMAC-SHA256(session secret, "<session id>:<minute window>") as six digits. The
current and the previous window are accepted, so a code read just before it rotates works.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import current_app

DIGITS = 6


def window_seconds() -> int:
    return int(current_app.config.get("CHECK_IN_CODE_SECONDS", 60))


def new_secret() -> str:
    return secrets.token_hex(32)


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // window_seconds())


def code_for(session_id: int, secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), f"{session_id}:{window}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**DIGITS).zfill(DIGITS)


def current_code(session_id: int, secret: str, now: float | None = None) -> str:
    return code_for(session_id, secret, current_window(now))


def seconds_left(now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(window_seconds() - now % window_seconds())


def is_valid(session_id: int, secret: str, code: str, now: float | None = None) -> bool:
    """Whether the code is the current or the previous window's code for this session."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return False
    window = current_window(now)
    # Compare with both windows every time, so timing says nothing about which matched.
    matches = [hmac.compare_digest(code, code_for(session_id, secret, w))
               for w in (window, window - 1)]
    return any(matches)
