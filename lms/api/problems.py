"""Errors of the API as RFC 9457 problem details: JSON with type, title, status and detail."""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import HTTPException, Unauthorized

PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"


class InvalidParameters(HTTPException):
    """Query arguments that are unknown or out of range; `errors` names each one."""

    code = 400
    description = "Some query parameters are not valid."

    def __init__(self, errors: list[dict]):
        super().__init__()
        self.errors = errors


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def problem(status: int, title: str, detail: str, *, headers=None, **extra):
    """A problem details response; `extra` adds members such as `errors`."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lms"'
    return response


def from_http_error(error: HTTPException):
    """The problem for any HTTP error raised while answering an API request."""
    code = error.code or 500
    title = error.name if code != 500 else "Internal Server Error"
    extra = {"errors": error.errors} if isinstance(error, InvalidParameters) else {}
    detail = error.description or title
    if code == 401 and detail == Unauthorized.description:
        detail = "Send a valid personal access token: Authorization: Bearer <token>."
    if code == 500:
        detail = "The server could not answer; the error has been logged."
    return problem(code, title, detail, headers=error.get_headers(), **extra)


def server_error():
    return problem(500, "Internal Server Error",
                   "The server could not answer; the error has been logged.")
