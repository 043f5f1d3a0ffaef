"""Reading pages run the same number of queries however much content and how many officials."""

from __future__ import annotations

from lms.content.importing import import_module
from lms.content.progress import mark_complete
from lms.extensions import db
from tests import factories
from tests.content import builders
from tests.query_counter import count_queries


def _page_queries(client, url: str) -> int:
    db.session.commit()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def _grow(modules: int, lessons: int, officials: int) -> None:
    for n in range(modules):
        module = import_module(
            builders.module_source(f"extra-{n}", lessons=lessons, order=n + 2), publish=True
        ).module
        for i in range(officials):
            reader = factories.make_user("official")
            for lesson in module.lessons[: i % lessons + 1]:
                mark_complete(reader.id, lesson)
    db.session.commit()


def test_lesson_module_catalogue_and_home_pages_do_not_grow_with_the_data(client):
    builders.published_module("estonia", lessons=2)
    official = factories.make_user("official")
    factories.sign_in(client, official)
    urls = ["/modules/estonia/lessons/lesson-2", "/modules/estonia", "/modules", "/"]
    small = {url: _page_queries(client, url) for url in urls}
    _grow(modules=5, lessons=12, officials=8)
    module = import_module(builders.module_source("estonia", lessons=15), publish=True).module
    for lesson in module.lessons[:7]:
        mark_complete(official.id, lesson)
    large = {url: _page_queries(client, url) for url in urls}
    assert large == small
