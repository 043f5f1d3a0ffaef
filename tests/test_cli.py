"""The command line: creating users, roles and the demo."""

from __future__ import annotations

import sqlalchemy as sa

from lms.accounts.models import User
from lms.extensions import db


def test_create_user_prints_an_invitation_link(runner):
    result = runner.invoke(args=["users", "create", "--email", "Anna@Example.org",
                                 "--name", "Anna Ivanova", "--role", "trainer"])
    assert result.exit_code == 0, result.output
    assert "/invitation/" in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "anna@example.org"))
    assert user.role_names == {"trainer"} and not user.has_password


def test_create_user_refuses_a_duplicate(runner):
    runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "A",
                        "--role", "official"])
    result = runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "B",
                                 "--role", "official"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_set_role_adds_and_removes_roles(runner):
    runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "A",
                        "--role", "official", "--password", "long enough password"])
    assert runner.invoke(args=["users", "set-role", "a@example.org", "admin"]).exit_code == 0
    result = runner.invoke(args=["users", "set-role", "a@example.org", "official", "--remove"])
    assert "now has roles: admin" in result.output
    assert runner.invoke(args=["users", "set-role", "nobody@example.org", "admin"]).exit_code != 0


def test_demo_creates_a_programme_with_one_login_per_role_once(runner):
    from pathlib import Path

    from lms.attendance.models import AttendanceRecord, SeminarSession
    from lms.cohorts.models import Cohort

    courses = Path(__file__).resolve().parent.parent / "courses"
    runner.invoke(args=["content", "import", str(courses)])
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    for role in ("official", "trainer", "staff", "analyst", "admin"):
        assert f"{role}@demo.lms" in first.output
    people = db.session.scalar(sa.select(sa.func.count(User.id)))
    second = runner.invoke(args=["demo", "load"])
    assert "not loaded again" in second.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == people
    user = db.session.scalar(sa.select(User).where(User.email == "staff@demo.lms"))
    assert user.check_password("demo-password-2026")
    assert db.session.scalar(sa.select(sa.func.count(Cohort.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(SeminarSession.id))) == 4
    assert db.session.scalar(sa.select(sa.func.count(AttendanceRecord.id))) > 0
