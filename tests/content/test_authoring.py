"""A trainer writes, translates, orders, publishes and restores modules."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from lms.content.models import Attachment, Lesson, Module, ModuleVersion
from lms.extensions import db
from tests import factories
from tests.content import builders

NEW_MODULE = {
    "title": "Interoperability basics", "slug": "interop", "language": "en",
    "summary": "How registers talk.", "country": "INT", "level": "all",
    "topics": ["interoperability"], "position": "3",
}


def _trainer(client):
    trainer = factories.make_user("trainer")
    factories.sign_in(client, trainer)
    return trainer


def test_trainer_creates_a_module_adds_a_lesson_and_publishes_it(client):
    _trainer(client)
    response = client.post("/authoring/modules/new", data=NEW_MODULE)
    module = db.session.scalar(sa.select(Module).where(Module.slug == "interop"))
    assert response.location == f"/authoring/modules/{module.id}"
    assert not module.is_published
    client.post(f"/authoring/modules/{module.id}/lessons/new/en", data={
        "title": "Registers", "slug": "registers", "kind": "lesson",
        "body": "## Why\n\nBecause **data** lives in registers.", "submit": "1"})
    client.post(f"/authoring/modules/{module.id}/status", data={"publish": "1"})
    reader = client.application.test_client()
    factories.sign_in(reader, factories.make_user("official"))
    page = reader.get("/modules/interop/lessons/registers").get_data(as_text=True)
    assert "<strong>data</strong>" in page


def test_duplicate_short_name_and_empty_title_are_refused(client):
    builders.published_module("interop")
    _trainer(client)
    page = client.post("/authoring/modules/new", data=NEW_MODULE).get_data(as_text=True)
    assert "Another module already uses this short name" in page
    page = client.post("/authoring/modules/new",
                       data={**NEW_MODULE, "slug": "fresh", "title": ""}).get_data(as_text=True)
    assert "This field is required" in page
    assert db.session.scalar(sa.select(sa.func.count(Module.id))) == 1


def test_editing_a_published_lesson_keeps_versions_that_can_be_compared_and_restored(client):
    module = builders.published_module(lessons=2)
    lesson_id = module.lessons[0].id
    _trainer(client)
    client.post(f"/authoring/lessons/{lesson_id}/en", data={
        "title": "Lesson 1 (en)", "kind": "lesson", "body": "Brand new wording.",
        "up_to_date": "y", "submit": "1"})
    reader = client.application.test_client()
    factories.sign_in(reader, factories.make_user("official"))
    assert "Brand new wording." in reader.get("/modules/estonia/lessons/lesson-1").get_data(
        as_text=True)

    history = client.get(f"/authoring/modules/{module.id}/history").get_data(as_text=True)
    assert "Restore version 1" in history
    diff = client.get(f"/authoring/modules/{module.id}/compare?a=1&b=2").get_data(as_text=True)
    assert "en/01-lesson-1.md" in diff and "Brand new wording." in diff and "Text 1 in en." in diff

    client.post(f"/authoring/modules/{module.id}/restore/1")
    assert "Text 1 in en." in reader.get("/modules/estonia/lessons/lesson-1").get_data(
        as_text=True)
    numbers = db.session.scalars(sa.select(ModuleVersion.number).order_by(ModuleVersion.number))
    assert list(numbers) == [1, 2, 3]


def test_a_draft_keeps_no_versions(client):
    _trainer(client)
    client.post("/authoring/modules/new", data=NEW_MODULE)
    assert db.session.scalar(sa.select(sa.func.count(ModuleVersion.id))) == 0


def test_preview_shows_sanitised_html_and_saves_nothing(client):
    module = builders.published_module(lessons=1)
    lesson_id = module.lessons[0].id
    _trainer(client)
    page = client.post(f"/authoring/lessons/{lesson_id}/en", data={
        "title": "Lesson 1 (en)", "kind": "lesson", "preview": "1",
        "body": "# Hi\n\n<script>alert(1)</script><img src=x onerror=alert(1)>"}
    ).get_data(as_text=True)
    preview = page.split('id="preview-output"', 1)[1]
    assert "<script>alert" not in preview and "onerror" not in preview
    assert "Text 1 in en." in db.session.get(Lesson, lesson_id).translation("en").body_markdown
    live = client.post("/authoring/preview", data={"body": "**bold** <a href='javascript:x'>a</a>"})
    assert "<strong>bold</strong>" in live.get_data(as_text=True)
    assert "javascript" not in live.get_data(as_text=True)


def test_link_to_a_missing_lesson_is_refused(client):
    module = builders.published_module(lessons=1)
    lesson_id = module.lessons[0].id
    _trainer(client)
    page = client.post(f"/authoring/lessons/{lesson_id}/en", data={
        "title": "Lesson 1 (en)", "kind": "lesson", "body": "See [next](02-missing.md).",
        "submit": "1"}).get_data(as_text=True)
    assert "links to lessons this module does not have: 02-missing.md" in page
    assert "missing" not in db.session.get(Lesson, lesson_id).translation("en").body_markdown


def test_moving_a_lesson_keeps_links_between_lessons_working(client):
    from lms.content.course_files import ModuleSource
    from lms.content.importing import import_module

    source = ModuleSource("estonia", {"en": builders.translation("en", [
        ("intro", "Intro", "Read [X-Road](02-x-road.md) next."),
        ("x-road", "X-Road", "Text."),
    ])})
    module = import_module(source, publish=True).module
    db.session.commit()
    x_road = next(lesson for lesson in module.lessons if lesson.slug == "x-road")
    _trainer(client)
    client.post(f"/authoring/lessons/{x_road.id}/move", data={"direction": "up"})
    intro = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "intro"))
    assert intro.position == 2
    assert "[X-Road](01-x-road.md)" in intro.translation("en").body_markdown


def test_a_lesson_other_lessons_link_to_cannot_be_deleted(client):
    from lms.content.course_files import ModuleSource
    from lms.content.importing import import_module

    source = ModuleSource("estonia", {"en": builders.translation("en", [
        ("intro", "Intro", "Read [X-Road](02-x-road.md) next."),
        ("x-road", "X-Road", "Text."),
    ])})
    module = import_module(source, publish=True).module
    db.session.commit()
    x_road_id = next(lesson.id for lesson in module.lessons if lesson.slug == "x-road")
    _trainer(client)
    response = client.post(f"/authoring/lessons/{x_road_id}/delete", follow_redirects=True)
    assert "Other lessons link to this one (Intro)" in response.get_data(as_text=True)
    assert db.session.get(Lesson, x_road_id) is not None


def test_trainers_see_which_translations_are_incomplete_or_out_of_date(client):
    module = builders.published_module(languages=("en", "ru"), lessons=2)
    lesson = module.lessons[0]
    _trainer(client)
    page = client.get("/authoring/").get_data(as_text=True)
    assert "original" in page and "✓ translated" in page and "not translated" in page
    client.post(f"/authoring/lessons/{lesson.id}/en", data={
        "title": "Lesson 1 (en)", "kind": "lesson", "body": "Changed original.", "submit": "1"})
    assert "out of date" in client.get("/authoring/").get_data(as_text=True)
    client.post(f"/authoring/lessons/{lesson.id}/ru", data={
        "title": "Урок 1", "kind": "lesson", "body": "Обновлённый перевод.", "up_to_date": "y",
        "submit": "1"})
    assert "out of date" not in client.get("/authoring/").get_data(as_text=True)
    client.post(f"/authoring/modules/{module.id}/text/be", data={"title": "Модуль", "submit": "1"})
    assert "2 lessons missing" in client.get("/authoring/").get_data(as_text=True)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_stored_and_downloadable(client, app):
    module = builders.published_module()
    _trainer(client)
    ok = client.post(f"/authoring/modules/{module.id}/attachments",
                     data={"file": (io.BytesIO(PDF), "Plan template.pdf")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert "The file is attached." in ok.get_data(as_text=True)
    fake = client.post(f"/authoring/modules/{module.id}/attachments",
                       data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "does not match its extension" in fake.get_data(as_text=True)
    wrong = client.post(f"/authoring/modules/{module.id}/attachments",
                        data={"file": (io.BytesIO(b"#!/bin/sh"), "run.sh")},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "Only PDF, PPTX, DOCX, XLSX" in wrong.get_data(as_text=True)
    attachment = db.session.scalar(sa.select(Attachment))
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1
    reader = client.application.test_client()
    factories.sign_in(reader, factories.make_user("official"))
    download = reader.get(f"/modules/estonia/files/{attachment.id}")
    assert download.data == PDF
    assert "Plan template.pdf" in download.headers["Content-Disposition"]
    download.close()


def test_oversized_attachment_is_refused(make_app):
    app = make_app(ATTACHMENT_MAX_BYTES=100)
    with app.app_context():
        module = builders.published_module()
        client = app.test_client()
        _trainer(client)
        response = client.post(f"/authoring/modules/{module.id}/attachments",
                               data={"file": (io.BytesIO(PDF * 10), "big.pdf")},
                               content_type="multipart/form-data", follow_redirects=True)
        assert "larger than" in response.get_data(as_text=True)
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_export_then_import_gives_back_the_same_module(client):
    module = builders.published_module(languages=("en", "ru"), lessons=3)
    _trainer(client)
    exported = client.get(f"/authoring/modules/{module.id}/export")
    assert exported.headers["Content-Type"] == "application/zip"
    from lms.content.importing import export_module, load_module

    before = export_module(load_module(module.id))
    # Change the module, then bring the export back.
    client.post(f"/authoring/lessons/{module.lessons[0].id}/en", data={
        "title": "Changed", "kind": "lesson", "body": "Changed.", "submit": "1"})
    response = client.post("/authoring/import",
                           data={"file": (io.BytesIO(exported.data), "estonia.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert export_module(load_module(module.id)) == before


def test_a_broken_upload_lists_every_problem_and_changes_nothing(client):
    import zipfile

    module = builders.published_module()
    _trainer(client)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("estonia/en/module.md", "---\ntitle: [unclosed\n---\n")
        archive.writestr("estonia/en/01-a.md", "no front matter")
    upload = {"file": (io.BytesIO(buffer.getvalue()), "x.zip")}
    page = client.post("/authoring/import", data=upload,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Nothing was imported" in page
    assert re.search(r"estonia/en/module\.md:\d+</code> — broken YAML front matter", page)
    assert "estonia/en/01-a.md:1</code> — missing YAML front matter" in page
    assert re.search(r"<li><code>", page)
    assert db.session.get(Module, module.id).translation("en").title == "Module in en"
    not_zip = client.post("/authoring/import", data={"file": (io.BytesIO(b"plain"), "x.zip")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "not a .zip archive" in not_zip


def test_no_known_xss_payload_survives_from_the_editor_to_the_lesson_page(client):
    from tests.content.test_rendering import XSS_PAYLOADS, assert_safe_html

    module = builders.published_module(lessons=1)
    lesson_id = module.lessons[0].id
    _trainer(client)
    body = "\n\n".join(XSS_PAYLOADS)
    client.post(f"/authoring/lessons/{lesson_id}/en", data={
        "title": "Lesson 1 (en)", "kind": "lesson", "body": body, "submit": "1"})
    reader = client.application.test_client()
    factories.sign_in(reader, factories.make_user("official"))
    page = reader.get("/modules/estonia/lessons/lesson-1").get_data(as_text=True)
    body = page.split('<div class="lesson-body">', 1)[1].split("</article>", 1)[0]
    assert_safe_html(body.rsplit("</div>", 1)[0])
