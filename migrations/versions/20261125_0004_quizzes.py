"""Quizzes: question banks, versioned questions, quizzes, attempts and their answers.

A question's words and answer key live in version rows; attempt items point at the version
they showed. `quiz_questions.current_version_id` and `quiz_question_versions.question_id`
point at each other, so the first of the two foreign keys is added once both tables exist.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25 03:22:47.116235

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_question_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_quiz_question_categories_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question_categories')),
    sa.UniqueConstraint('module_id', 'path', name=op.f('uq_quiz_question_categories_module_id'))
    )
    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_question_categories.id'], name=op.f('fk_quiz_questions_category_id_quiz_question_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quiz_questions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_quiz_questions_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions'))
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_questions_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_questions_module_id'), ['module_id'], unique=False)

    op.create_table('quizzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('pass_percent', sa.Integer(), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('opens_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closes_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
    sa.Column('shuffle_answers', sa.Boolean(), nullable=False),
    sa.Column('review_answers', sa.Boolean(), nullable=False),
    sa.Column('review_correct', sa.Boolean(), nullable=False),
    sa.Column('review_feedback', sa.Boolean(), nullable=False),
    sa.Column('review_when', sa.String(length=12), nullable=False),
    sa.Column('paired_quiz_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quizzes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_quizzes_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paired_quiz_id'], ['quizzes.id'], name=op.f('fk_quizzes_paired_quiz_id_quizzes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes'))
    )
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_module_id'), ['module_id'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('started_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('save_sequence', sa.Integer(), nullable=False),
    sa.Column('closed_by_deadline', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('grade', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_attempts_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('quiz_id', 'user_id', 'number', name=op.f('uq_quiz_attempts_quiz_id'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_state'), ['state'], unique=False)
        batch_op.create_index('uq_quiz_attempts_one_in_progress', ['quiz_id', 'user_id'],
                              unique=True, postgresql_where=sa.text("state = 'in_progress'"),
                              sqlite_where=sa.text("state = 'in_progress'"))
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('qtype', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_format', sa.String(length=10), nullable=False),
    sa.Column('blank_at', sa.Integer(), nullable=True),
    sa.Column('general_feedback', sa.Text(), nullable=False),
    sa.Column('general_feedback_format', sa.String(length=10), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('right_feedback', sa.Text(), nullable=False),
    sa.Column('wrong_feedback', sa.Text(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quiz_question_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_question_versions_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question_versions')),
    sa.UniqueConstraint('question_id', 'number', name=op.f('uq_quiz_question_versions_question_id'))
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_quiz_questions_current_version_id_quiz_question_versions'),
            'quiz_question_versions', ['current_version_id'], ['id'], ondelete='SET NULL')
    op.create_table('quiz_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('marks', sa.Double(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(question_id IS NULL) <> (category_id IS NULL)', name=op.f('ck_quiz_slots_question_or_category')),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_question_categories.id'], name=op.f('fk_quiz_slots_category_id_quiz_question_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_slots_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_slots_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_slots')),
    sa.UniqueConstraint('quiz_id', 'position', name=op.f('uq_quiz_slots_quiz_id'))
    )
    op.create_table('quiz_attempt_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('marks', sa.Double(), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('fraction', sa.Double(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('needs_grading', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_attempt_items_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'], name=op.f('fk_quiz_attempt_items_graded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['quiz_question_versions.id'], name=op.f('fk_quiz_attempt_items_version_id_quiz_question_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_items')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_quiz_attempt_items_attempt_id'))
    )
    with op.batch_alter_table('quiz_attempt_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_items_version_id'), ['version_id'], unique=False)

    op.create_table('quiz_question_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_format', sa.String(length=10), nullable=False),
    sa.Column('fraction', sa.Double(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('feedback_format', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('tolerance', sa.Double(), nullable=True),
    sa.Column('minimum', sa.Double(), nullable=True),
    sa.Column('maximum', sa.Double(), nullable=True),
    sa.Column('match_right', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['quiz_question_versions.id'], name=op.f('fk_quiz_question_choices_version_id_quiz_question_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question_choices')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_quiz_question_choices_version_id'))
    )


def downgrade():
    op.drop_table('quiz_question_choices')
    with op.batch_alter_table('quiz_attempt_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_items_version_id'))

    op.drop_table('quiz_attempt_items')
    op.drop_table('quiz_slots')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_quiz_questions_current_version_id_quiz_question_versions'),
            type_='foreignkey')
    op.drop_table('quiz_question_versions')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_state'))
        batch_op.drop_index('uq_quiz_attempts_one_in_progress')

    op.drop_table('quiz_attempts')
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_module_id'))

    op.drop_table('quizzes')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_questions_module_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_questions_category_id'))

    op.drop_table('quiz_questions')
    op.drop_table('quiz_question_categories')
