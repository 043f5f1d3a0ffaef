"""Implementation plans: drafts by officials, versions and reviews, milestones, follow-ups.

One plan per organisation and cohort, written by its authors in sections with structured
milestones and "see also" module links; every submission is frozen as a version that
carries the reviewer's comments per section; follow-up requests months after the cohort
collect each milestone's progress.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-25 04:01:16.382160

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version_count', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_plans_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_plans_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('cohort_id', 'organisation_id', name=op.f('uq_plans_cohort_id'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('plan_authors',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_authors_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plan_authors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'user_id', name=op.f('pk_plan_authors'))
    )
    with op.batch_alter_table('plan_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_authors_user_id'), ['user_id'], unique=False)

    op.create_table('plan_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reported_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_follow_ups_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_plan_follow_ups_reported_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_follow_ups')),
    sa.UniqueConstraint('plan_id', 'months', name=op.f('uq_plan_follow_ups_plan_id'))
    )
    op.create_table('plan_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('responsible_unit', sa.String(length=200), nullable=False),
    sa.Column('indicator', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_milestones_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_milestones'))
    )
    with op.batch_alter_table('plan_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_milestones_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_module_links',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_plan_module_links_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_module_links_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'module_id', name=op.f('pk_plan_module_links'))
    )
    op.create_table('plan_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('text_markdown', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_sections_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_sections')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_plan_sections_plan_id'))
    )
    op.create_table('plan_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('submitted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_plan_versions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_versions_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_plan_versions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_versions')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_plan_versions_plan_id'))
    )
    op.create_table('plan_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=30), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_plan_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['plan_versions.id'], name=op.f('fk_plan_comments_version_id_plan_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_comments'))
    )
    with op.batch_alter_table('plan_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_comments_version_id'), ['version_id'], unique=False)

    op.create_table('plan_milestone_reports',
    sa.Column('follow_up_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_id'], ['plan_follow_ups.id'], name=op.f('fk_plan_milestone_reports_follow_up_id_plan_follow_ups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['milestone_id'], ['plan_milestones.id'], name=op.f('fk_plan_milestone_reports_milestone_id_plan_milestones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('follow_up_id', 'milestone_id', name=op.f('pk_plan_milestone_reports'))
    )
    with op.batch_alter_table('plan_milestone_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_milestone_reports_milestone_id'), ['milestone_id'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_milestone_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_milestone_reports_milestone_id'))

    op.drop_table('plan_milestone_reports')
    with op.batch_alter_table('plan_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_comments_version_id'))

    op.drop_table('plan_comments')
    op.drop_table('plan_versions')
    op.drop_table('plan_sections')
    op.drop_table('plan_module_links')
    with op.batch_alter_table('plan_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_milestones_plan_id'))

    op.drop_table('plan_milestones')
    op.drop_table('plan_follow_ups')
    with op.batch_alter_table('plan_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_authors_user_id'))

    op.drop_table('plan_authors')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_organisation_id'))

    op.drop_table('plans')
