"""Implementation plans: drafts by officials of one body, reviews, versions and follow-ups.

The plan's sections follow the template of the planning module (lesson 06): goals, services
to digitise, legal and organisational changes, integrated service centres, responsible units,
risks and indicators as text, and milestones as rows so that follow-ups can ask about each.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, str200, timestamp, utc_datetime
from lms.extensions import db
from lms.reference import Choice

# The longest text a section or a comment may hold: a generous page count, not a novel.
SECTION_MAX = 20_000
COMMENT_MAX = 5_000


class PlanStatus(Choice):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted for review")
    RETURNED = "returned", _l("Returned for revision")
    ACCEPTED = "accepted", _l("Accepted")


# Authors may change the plan only in these states; a submitted plan waits for the trainer.
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)

# (key, heading) in the order of the template; milestones come between centres and units.
SECTIONS = (
    ("goals", _l("Goals")),
    ("services", _l("Services to digitise")),
    ("legal_changes", _l("Legal and organisational changes")),
    ("service_centres", _l("Integrated service centre plans")),
    ("responsible_units", _l("Responsible units")),
    ("risks", _l("Risks")),
    ("indicators", _l("Indicators")),
)
SECTION_KEYS = tuple(key for key, _label in SECTIONS)
# Comments may also be about the milestones or the plan as a whole.
COMMENT_TOPICS = (
    *SECTIONS, ("milestones", _l("Milestones")), ("general", _l("The plan as a whole"))
)


class Progress(Choice):
    NOT_STARTED = "not_started", _l("Not started")
    IN_PROGRESS = "in_progress", _l("In progress")
    DONE = "done", _l("Done")
    DROPPED = "dropped", _l("Dropped")


class Plan(db.Model):
    """One body's implementation plan, drafted within a cohort; one per body and cohort."""

    __tablename__ = "plans"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "organisation_id"),)

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str200]
    status: Mapped[str] = mapped_column(sa.String(20), default=PlanStatus.DRAFT.value)
    # How many times the plan has been submitted: the number of its latest version.
    version_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    decided_at: Mapped[utc_datetime | None]

    cohort = relationship("Cohort", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    authors: Mapped[list[PlanAuthor]] = relationship(
        cascade="all, delete-orphan", back_populates="plan", order_by="PlanAuthor.added_at"
    )
    sections: Mapped[list[PlanSection]] = relationship(
        cascade="all, delete-orphan", back_populates="plan"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        cascade="all, delete-orphan", back_populates="plan",
        order_by="(Milestone.due_on, Milestone.id)",
    )
    module_links: Mapped[list[PlanModuleLink]] = relationship(
        cascade="all, delete-orphan", back_populates="plan"
    )
    versions: Mapped[list[PlanVersion]] = relationship(
        cascade="all, delete-orphan", back_populates="plan",
        order_by="PlanVersion.number.desc()",
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        cascade="all, delete-orphan", back_populates="plan", order_by="FollowUp.months"
    )

    @property
    def status_label(self) -> str:
        return PlanStatus(self.status).label

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def author_ids(self) -> set[int]:
        return {a.user_id for a in self.authors}

    def section(self, key: str) -> PlanSection | None:
        return next((s for s in self.sections if s.key == key), None)


class PlanAuthor(db.Model):
    """An official writing the plan: the one who started it and the colleagues they added."""

    __tablename__ = "plan_authors"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[timestamp]

    plan: Mapped[Plan] = relationship(back_populates="authors")
    user = relationship("User", lazy="joined")


class PlanSection(db.Model):
    """One section's text: the Markdown the authors wrote and its sanitised HTML."""

    __tablename__ = "plan_sections"
    __table_args__ = (sa.UniqueConstraint("plan_id", "key"),)

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(30))
    text_markdown: Mapped[str] = mapped_column(sa.Text, default="")
    text_html: Mapped[str] = mapped_column(sa.Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="sections")


class Milestone(db.Model):
    """A verifiable event with a date, the unit answerable for it and how it is measured."""

    __tablename__ = "plan_milestones"

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str200]
    due_on: Mapped[dt.date]
    responsible_unit: Mapped[str200]
    indicator: Mapped[str200] = mapped_column(default="")

    plan: Mapped[Plan] = relationship(back_populates="milestones")


class PlanModuleLink(db.Model):
    """A seminar module the plan refers to ("see also"), e.g. the Estonia case."""

    __tablename__ = "plan_module_links"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    )
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True
    )

    plan: Mapped[Plan] = relationship(back_populates="module_links")
    module = relationship("Module", lazy="joined")


class PlanVersion(db.Model):
    """The plan as it was submitted, frozen, with the trainer's decision on it.

    The snapshot is a document that never changes after submission, so it is kept whole
    (sections as HTML, milestones as rows) rather than spread over live tables.
    """

    __tablename__ = "plan_versions"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str200]
    sections: Mapped[dict] = mapped_column(sa.JSON)
    milestones: Mapped[list] = mapped_column(sa.JSON)
    submitted_at: Mapped[timestamp]
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # "accepted" or "returned" once a trainer has decided; None while waiting.
    decision: Mapped[str | None] = mapped_column(sa.String(20))
    decided_at: Mapped[utc_datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    plan: Mapped[Plan] = relationship(back_populates="versions")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")
    comments: Mapped[list[PlanComment]] = relationship(
        cascade="all, delete-orphan", back_populates="version", order_by="PlanComment.id"
    )

    @property
    def decision_label(self) -> str:
        return PlanStatus(self.decision).label if self.decision else ""


class PlanComment(db.Model):
    """A reviewer's comment on one section of one submitted version."""

    __tablename__ = "plan_comments"

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(sa.String(30))
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[timestamp]

    version: Mapped[PlanVersion] = relationship(back_populates="comments")
    author = relationship("User", lazy="joined")


class FollowUp(db.Model):
    """A request to the authors of an accepted plan to report progress, months after the cohort."""

    __tablename__ = "plan_follow_ups"
    __table_args__ = (sa.UniqueConstraint("plan_id", "months"),)

    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    months: Mapped[int]
    due_on: Mapped[dt.date]
    created_at: Mapped[timestamp]
    reported_at: Mapped[utc_datetime | None]
    reported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    plan: Mapped[Plan] = relationship(back_populates="follow_ups")
    reports: Mapped[list[MilestoneReport]] = relationship(
        cascade="all, delete-orphan", back_populates="follow_up"
    )

    @property
    def is_reported(self) -> bool:
        return self.reported_at is not None


class MilestoneReport(db.Model):
    """How far one milestone has come, as the authors reported it in one follow-up."""

    __tablename__ = "plan_milestone_reports"

    follow_up_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_follow_ups.id", ondelete="CASCADE"), primary_key=True
    )
    milestone_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_milestones.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    follow_up: Mapped[FollowUp] = relationship(back_populates="reports")
    milestone = relationship("Milestone", lazy="joined")

    @property
    def status_label(self) -> str:
        return Progress(self.status).label
