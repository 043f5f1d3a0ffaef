"""Trainers keep the register: marks, notes, apologies, the audit trail, paper and calendars."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.attendance import services
from lms.attendance.models import Apology, AttendanceChange, AttendanceRecord, SeminarSession
from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf


@pytest.fixture
def seminar(app):
    trainer = factories.make_user("trainer", full_name="Trainer Tamara")
    cohort = cf.make_cohort(trainers=[trainer])
    session = cf.make_session(cohort, title="E-services basics")
    officials = [cf.make_official_in(cohort, full_name=name)
                 for name in ("Ўладзімір Іваноўскі", "Пётр Ёлкин", "Anna Smith")]
    db.session.commit()
    return session, trainer, officials


def _status(session, user) -> str | None:
    return db.session.scalar(sa.select(AttendanceRecord.status).where(
        AttendanceRecord.session_id == session.id, AttendanceRecord.user_id == user.id))


def test_trainer_marks_the_register_and_every_change_is_in_the_trail(client, seminar):
    session, trainer, (a, b, c) = seminar
    factories.sign_in(client, trainer)
    client.post(f"/sessions/{session.id}/register", data={
        f"status-{a.id}": "present", f"status-{b.id}": "excused", f"note-{b.id}": "Sick leave",
    })
    assert (_status(session, a), _status(session, b), _status(session, c)) == (
        "present", "excused", None)
    # A correction later: present -> late, with a note.
    client.post(f"/sessions/{session.id}/register", data={
        f"status-{a.id}": "late", f"note-{a.id}": "Came at 10:20",
        f"status-{b.id}": "excused", f"note-{b.id}": "Sick leave",
    })
    changes = db.session.scalars(sa.select(AttendanceChange).order_by(AttendanceChange.id)).all()
    assert [(ch.user_id, ch.old_status, ch.new_status, ch.changed_by_id) for ch in changes] == [
        (a.id, None, "present", trainer.id),
        (b.id, None, "excused", trainer.id),
        (a.id, "present", "late", trainer.id),
    ]
    page = client.get(f"/sessions/{session.id}/register").text
    assert "Came at 10:20" in page and "Trainer Tamara" in page and "Ўладзімір Іваноўскі" in page


def test_mark_all_present_keeps_existing_marks(client, seminar):
    session, trainer, (a, b, c) = seminar
    factories.sign_in(client, trainer)
    client.post(f"/sessions/{session.id}/register", data={f"status-{a.id}": "absent"})
    client.post(f"/sessions/{session.id}/register", data={"action": "all-present"})
    assert [_status(session, p) for p in (a, b, c)] == ["absent", "present", "present"]


def test_people_outside_the_cohort_cannot_be_marked(app, seminar):
    session, trainer, _ = seminar
    stranger = factories.make_user("official")
    assert services.set_attendance(session, {stranger.id: ("present", "")}, actor=trainer) == 0
    assert _status(session, stranger) is None


def test_a_trainer_of_another_cohort_cannot_keep_this_register(client, seminar):
    session, _trainer, (a, _b, _c) = seminar
    other = factories.make_user("trainer")
    factories.sign_in(client, other)
    assert client.get(f"/sessions/{session.id}/register").status_code == 403
    assert client.post(f"/sessions/{session.id}/register",
                       data={f"status-{a.id}": "absent"}).status_code == 403
    assert client.get(f"/sessions/{session.id}/sign-in-sheet.pdf").status_code == 403
    assert _status(session, a) is None


def test_a_session_trainer_who_does_not_train_the_cohort_may_keep_the_register(client, seminar):
    session, _trainer, _ = seminar
    guest = factories.make_user("trainer")
    session.trainers = [guest]
    db.session.commit()
    factories.sign_in(client, guest)
    assert client.get(f"/sessions/{session.id}/register").status_code == 200


def test_official_sends_an_apology_and_the_trainer_accepts_it(client, seminar):
    session, trainer, (a, b, _c) = seminar
    session.starts_at += dt.timedelta(days=2)
    session.ends_at += dt.timedelta(days=2)
    db.session.commit()
    factories.sign_in(client, a)
    client.post(f"/sessions/{session.id}/apology", data={"reason": "Business trip to Brest"})
    factories.sign_in(client, b)
    client.post(f"/sessions/{session.id}/apology", data={"reason": "Overslept"})
    factories.sign_in(client, trainer)
    page = client.get(f"/sessions/{session.id}/register").text
    assert "Business trip to Brest" in page
    apologies = {ap.user_id: ap for ap in db.session.scalars(sa.select(Apology))}
    client.post(f"/sessions/{session.id}/apologies/{apologies[a.id].id}", data={"accept": "1"})
    client.post(f"/sessions/{session.id}/apologies/{apologies[b.id].id}", data={"accept": "0"})
    assert _status(session, a) == "excused"
    assert _status(session, b) is None
    change = db.session.scalar(sa.select(AttendanceChange))
    assert (change.source, change.new_note) == ("apology", "Business trip to Brest")
    factories.sign_in(client, a)
    assert "accepted" in client.get("/my/seminars").text


def test_an_official_cannot_apologise_for_another_cohorts_session(client, seminar):
    session, _trainer, _ = seminar
    stranger = factories.make_user("official")
    factories.sign_in(client, stranger)
    response = client.post(f"/sessions/{session.id}/apology", data={"reason": "x"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Apology.id))) == 0


def test_trainer_schedules_a_session_in_minsk_time(client, seminar):
    session, trainer, _ = seminar
    factories.sign_in(client, trainer)
    page = client.get(f"/cohorts/{session.cohort_id}/sessions/new").text
    assert 'value="Europe/Minsk"' in page
    response = client.post(f"/cohorts/{session.cohort_id}/sessions/new", data={
        "title": "Open data", "starts_local": "2027-01-12T10:00", "ends_local": "2027-01-12T13:00",
        "timezone": "Europe/Minsk", "venue": "Room 2", "city": "Hrodna", "grace_minutes": "15",
        "trainers": [str(trainer.id)],
    })
    assert response.status_code == 302
    created = db.session.scalar(sa.select(SeminarSession).where(
        SeminarSession.title == "Open data"))
    assert created.starts_at == dt.datetime(2027, 1, 12, 7, 0, tzinfo=dt.UTC)
    assert created.grace_minutes == 15 and [t.id for t in created.trainers] == [trainer.id]


def test_sign_in_sheet_is_a_pdf_with_every_member(client, seminar):
    session, trainer, _ = seminar
    factories.sign_in(client, trainer)
    response = client.get(f"/sessions/{session.id}/sign-in-sheet.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.mimetype == "application/pdf"


def test_sign_in_sheet_font_has_belarusian_and_russian_letters(app, seminar):
    from fontTools.ttLib import TTFont

    from lms.attendance import documents
    from lms.cohorts import services as cohorts

    session, _trainer, _ = seminar
    pdf = documents.sign_in_sheet(session, cohorts.members(session.cohort_id))
    cmap = TTFont(str(documents.FONT)).getBestCmap()
    assert all(ord(ch) in cmap for ch in "ўіёЎІЁ")
    assert pdf.startswith(b"%PDF") and b"DejaVu" in pdf


def test_official_downloads_their_upcoming_sessions_as_ics(client, seminar):
    session, _trainer, (a, _b, _c) = seminar
    factories.sign_in(client, a)
    response = client.get("/my/sessions.ics")
    text = response.data.decode()
    assert response.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in text and f"UID:session-{session.id}@" in text
    assert "SUMMARY:E-services basics" in text and "\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    stranger = factories.make_user("official")
    factories.sign_in(client, stranger)
    assert "BEGIN:VEVENT" not in client.get("/my/sessions.ics").data.decode()


def _count_register(client, session_id) -> int:
    with cf.QueryCounter(db.engine) as counter:
        response = client.get(f"/sessions/{session_id}/register")
    assert response.status_code == 200
    return counter.count


def _register_of(size: int, organisation, staff, trainer, modules) -> SeminarSession:
    """A session of a cohort of `size` members, half marked twice, some apologies, the
    trainer training the cohort and the session, and `modules` covered."""
    cohort = cf.make_cohort(trainers=[trainer])
    members = cf.add_members(cohort, size, organisation)
    session = cf.make_session(cohort)
    session.trainers = [trainer, staff][: 1 + size // 100]
    session.modules = modules
    services.set_attendance(session, {m.id: ("present", "ok") for m in members[::2]},
                            actor=staff)
    services.set_attendance(session, {m.id: ("late", "bus") for m in members[::4]},
                            actor=trainer)
    for member in members[1:1 + size // 10]:
        services.send_apology(session, member, "Away")
    return session


def test_register_runs_the_same_queries_for_10_and_500_members(client, people):
    from tests.content import builders

    organisation = factories.make_organisation()
    modules = [builders.published_module("estonia"), builders.published_module("serbia")]
    trainer = people["trainer"]
    small = _register_of(10, organisation, people["staff"], trainer, modules[:1])
    large = _register_of(500, organisation, people["staff"], trainer, modules)
    db.session.commit()
    for person in (people["staff"], trainer):
        factories.sign_in(client, person)
        _count_register(client, small.id)  # warm up caches
        assert _count_register(client, small.id) == _count_register(client, large.id)
    # The trail shows the last changes only, and the apologies all of them.
    page = client.get(f"/sessions/{large.id}/register").text
    assert page.count('class="audit-trail"') == 1
    assert page.count("<td>Bulk Person") == services.TRAIL_ROWS
    assert page.count("Accept as excused") == 50


def test_register_rows_label_every_input_and_show_each_mark(client, seminar):
    session, trainer, (a, b, c) = seminar
    c.full_name = "Anna <Smith> & Co"
    c.organisation = factories.make_organisation(name="Grodno \"oblast\" committee")
    services.set_attendance(session, {a.id: ("late", "Bus <late>"), c.id: ("excused", "")},
                            actor=trainer)
    db.session.commit()
    factories.sign_in(client, trainer)
    page = client.get(f"/sessions/{session.id}/register").text
    assert f'<legend class="visually-hidden">Attendance of {a.full_name}</legend>' in page
    assert (f'<label class="visually-hidden" for="note-{a.id}">Note for {a.full_name}</label>'
            f'<input type="text" id="note-{a.id}" name="note-{a.id}" maxlength="255" '
            'value="Bus &lt;late&gt;">') in page
    assert f'<input type="radio" name="status-{a.id}" value="late" checked> Late' in page
    assert f'<input type="radio" name="status-{c.id}" value="excused" checked> Excused' in page
    assert page.count(f'name="status-{a.id}"') == 4 and page.count("checked>") == 2
    assert "Anna &lt;Smith&gt; &amp; Co" in page and "<Smith>" not in page
    assert "Grodno &#34;oblast&#34; committee" in page
    assert "Attendance of Anna &lt;Smith&gt; &amp; Co" in page
    # Every radio and note has a label; the trail names who changed what.
    assert page.count('type="radio"') == 12 and page.count("<legend") == 3
    assert page.count('<label class="visually-hidden" for="note-') == 3
    assert "Trainer Tamara" in page and "Bus &lt;late&gt;" in page


def test_trainer_moves_a_session_and_the_form_shows_minsk_time(client, seminar):
    session, trainer, _ = seminar
    session.starts_at = dt.datetime(2027, 3, 1, 6, 30, tzinfo=dt.UTC)
    session.ends_at = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    db.session.commit()
    factories.sign_in(client, trainer)
    form = client.get(f"/sessions/{session.id}/edit").text
    assert 'value="2027-03-01T09:30"' in form
    client.post(f"/sessions/{session.id}/edit", data={
        "title": "Moved", "starts_local": "2027-03-02T09:30", "ends_local": "2027-03-02T12:00",
        "timezone": "Europe/Minsk", "grace_minutes": "10", "online_url": "not a url",
    })
    assert session.title != "Moved"  # an invalid link keeps everything as it was
    client.post(f"/sessions/{session.id}/edit", data={
        "title": "Moved", "starts_local": "2027-03-02T09:30", "ends_local": "2027-03-02T12:00",
        "timezone": "Europe/Minsk", "grace_minutes": "10",
        "online_url": "https://meet.example.org/room",
    })
    assert (session.title, session.starts_at, session.online_url) == (
        "Moved", dt.datetime(2027, 3, 2, 6, 30, tzinfo=dt.UTC), "https://meet.example.org/room")


def test_official_home_page_runs_the_same_queries_for_one_or_many_cohorts(client):
    official = factories.make_user("official")
    db.session.commit()
    factories.sign_in(client, official)
    counts = []
    for extra in (1, 6):
        for _ in range(extra):
            cohort = cf.make_cohort(members=[official])
            cf.make_session(cohort)
        db.session.commit()
        client.get("/")  # warm up
        with cf.QueryCounter(db.engine) as counter:
            assert client.get("/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
