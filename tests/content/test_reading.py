"""An official browses, reads and comes back to modules, in their language."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lms.content.models import LessonProgress
from lms.extensions import db
from tests import factories
from tests.content import builders


def test_official_reads_a_module_to_the_end_and_sees_100_percent(client):
    builders.published_module(lessons=3)
    official = factories.make_user("official")
    factories.sign_in(client, official)
    page = client.get("/modules/estonia").get_data(as_text=True)
    assert "Start reading" in page and "0% read (0 of 3 lessons)" in page
    response = client.post("/modules/estonia/lessons/lesson-1/read")
    assert response.location == "/modules/estonia/lessons/lesson-2"
    client.post("/modules/estonia/lessons/lesson-2/read")
    response = client.post("/modules/estonia/lessons/lesson-3/read")
    assert response.location == "/modules/estonia"
    page = client.get("/modules/estonia").get_data(as_text=True)
    assert "100% read (3 of 3 lessons)" in page
    assert "You have read every lesson of this module." in page


def test_official_continues_where_they_left_off(client):
    builders.published_module(lessons=3)
    official = factories.make_user("official")
    factories.sign_in(client, official)
    client.post("/modules/estonia/lessons/lesson-1/read")
    page = client.get("/modules/estonia").get_data(as_text=True)
    assert "Continue: Lesson 2 (en)" in page
    home = client.get("/").get_data(as_text=True)
    assert "33% read" in home


def test_marking_a_lesson_read_twice_counts_it_once(client):
    builders.published_module(lessons=2)
    official = factories.make_user("official")
    factories.sign_in(client, official)
    client.post("/modules/estonia/lessons/lesson-1/read")
    client.post("/modules/estonia/lessons/lesson-1/read")
    assert db.session.scalar(sa.select(sa.func.count(LessonProgress.id))) == 1


def test_lesson_page_has_contents_previous_next_and_reading_time(client):
    builders.published_module(lessons=3)
    factories.sign_in(client, factories.make_user("official"))
    page = client.get("/modules/estonia/lessons/lesson-2").get_data(as_text=True)
    assert "Lesson 2 of 3" in page and "1 min of reading" in page
    assert 'rel="prev" href="/modules/estonia/lessons/lesson-1"' in page
    assert "Mark as read and continue" in page


def test_module_is_shown_in_the_readers_language_with_a_fallback(client):
    builders.published_module("estonia", languages=("en", "ru"))
    builders.published_module("serbia", languages=("en",), country="RS", order=2)
    reader = factories.make_user("official", language="ru")
    factories.sign_in(client, reader)
    page = client.get("/modules/estonia/lessons/lesson-1").get_data(as_text=True)
    assert "Text 1 in ru." in page
    fallback = client.get("/modules/serbia/lessons/lesson-1").get_data(as_text=True)
    assert "Text 1 in en." in fallback and 'lang="en"' in fallback
    # The reader may still open the other language on purpose.
    english = client.get("/modules/estonia/lessons/lesson-1?lang=en").get_data(as_text=True)
    assert "Text 1 in en." in english


def test_modules_in_the_readers_language_come_first(client):
    builders.published_module("serbia", languages=("en",), country="RS", order=1)
    builders.published_module("estonia", languages=("en", "ru"), order=2)
    factories.sign_in(client, factories.make_user("official", language="ru"))
    page = client.get("/modules").get_data(as_text=True)
    assert page.index("/modules/estonia") < page.index("/modules/serbia")


def test_catalogue_filters_by_country_and_searches_lesson_text(client):
    builders.published_module("estonia", country="EE")
    builders.published_module("serbia", country="RS", order=2)
    factories.sign_in(client, factories.make_user("official"))
    only_serbia = client.get("/modules?country=RS").get_data(as_text=True)
    assert "/modules/serbia" in only_serbia and "/modules/estonia" not in only_serbia
    found = client.get("/modules?q=TEXT+2+in").get_data(as_text=True)
    assert "/modules/serbia" in found and "/modules/estonia" in found
    none = client.get("/modules?q=blockchain").get_data(as_text=True)
    assert "No module matches" in none


def test_drafts_are_hidden_from_officials(client):
    from lms.content.importing import import_module

    import_module(builders.module_source("draft-module"))
    db.session.commit()
    factories.sign_in(client, factories.make_user("official"))
    assert client.get("/modules/draft-module").status_code == 404
    assert "draft-module" not in client.get("/modules").get_data(as_text=True)


def test_progress_survives_an_edit_of_the_lesson(client):
    module = builders.published_module(lessons=2)
    official = factories.make_user("official")
    factories.sign_in(client, official)
    client.post("/modules/estonia/lessons/lesson-1/read")
    from lms.content import authoring

    lesson = module.lessons[0]
    authoring.save_lesson_text(lesson, "en", title="Renamed", kind="lesson",
                               body="New text.", up_to_date=True, actor=None)
    db.session.commit()
    page = client.get("/modules/estonia").get_data(as_text=True)
    assert "50% read (1 of 2 lessons)" in page
    assert "Renamed" in page


def test_links_between_lessons_lead_to_the_lesson_page(client):
    from lms.content.course_files import ModuleSource
    from tests.content.builders import translation

    source = ModuleSource("estonia", {"en": translation("en", [
        ("intro", "Intro", "See [the next lesson](02-x-road.md#how-it-works)."),
        ("x-road", "X-Road", "## How it works\n\nText."),
    ])})
    from lms.content.importing import import_module

    import_module(source, publish=True)
    db.session.commit()
    factories.sign_in(client, factories.make_user("official"))
    page = client.get("/modules/estonia/lessons/intro").get_data(as_text=True)
    assert re.search(r'href="/modules/estonia/lessons/x-road#how-it-works"', page)
