"""An official's token never returns another official's data, whatever it asks for."""

from __future__ import annotations

import json

from lms.api import openapi
from tests.api.builders import get, make_token
from tests.reports import programme


def _urls(cohort_id: int, session_id: int) -> list[str]:
    """Every operation of the document, pointed at the official's own cohort and session."""
    return ["/api/v1" + path.format(cohort_id=cohort_id, session_id=session_id)
            for path in openapi.document()["paths"]]


def test_an_officials_token_never_returns_another_officials_data(client, app):
    """f2 shares cohort C1 with f1, m1 and n1; no answer may carry any of their records."""
    from lms.attendance.models import SeminarSession
    from lms.extensions import db

    built = programme.build()
    f2 = built["people"]["f2"]
    others = {p.full_name for code, p in built["people"].items() if code != "f2"}
    c1 = built["cohorts"][0]
    session = db.session.query(SeminarSession).filter_by(cohort_id=c1.id).first()
    # Officials cannot create tokens; one is given directly to test the policy behind them.
    plain = make_token(f2)

    seen_own = 0
    for url in _urls(c1.id, session.id):
        response = get(client, url, plain)
        if not url.startswith("/api/v1/me/"):
            # Cohorts, their records and report figures are for trainers and staff.
            assert response.status_code == 403, url
            continue
        assert response.status_code == 200, url
        body = response.get_json()
        items = body.get("items", body.get("statements"))
        seen_own += len(items)
        for item in items:
            if "official" in item:
                assert item["official"] == {"id": f2.id, "full_name": f2.full_name}, url
            else:
                assert item["actor"]["account"]["name"] == str(f2.id), url
        assert not any(f'"full_name": "{name}"' in json.dumps(body) for name in others)
    # f2's own: two attendance records, a pre- and a post-test, and 1 + 2 statements.
    assert seen_own == 2 + 2 + 3


def test_an_official_cannot_reach_report_figures_or_cohort_lists(client, app):
    built = programme.build()
    plain = make_token(built["people"]["f1"])
    for url in ("/api/v1/reports/figures", "/api/v1/cohorts",
                f"/api/v1/cohorts/{built['cohorts'][0].id}/attendance"):
        response = get(client, url, plain)
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
