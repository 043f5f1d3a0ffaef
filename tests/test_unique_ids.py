"""Ids are unique on a page, however many forms it holds (each with its CSRF field)."""

from __future__ import annotations

import re
from collections import Counter

from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf

ID = re.compile(r'\sid="([^"]+)"')


def test_a_cohort_page_with_a_form_per_member_repeats_no_id(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        staff = factories.make_user("staff")
        cohort = cf.make_cohort(name="Hrodna oblast executive committee, spring")
        cf.add_members(cohort, 3)
        db.session.commit()
        client = app.test_client()
        factories.sign_in(client, staff)
        page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 4  # language switch, archive, unenrol x3
    repeated = [name for name, n in Counter(ID.findall(page)).items() if n > 1]
    assert repeated == []
