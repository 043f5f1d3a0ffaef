"""Helpers for URLs that come from users."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Return `target` only when it is a path on this site; otherwise `default`.

    Rejects anything with a scheme or host, protocol-relative `//host` and backslash tricks
    that some browsers read as `//`.
    """
    if not target:
        return default
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    if any(ord(c) < 32 for c in target):
        return default
    return target
