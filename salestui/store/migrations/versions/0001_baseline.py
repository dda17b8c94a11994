"""Baseline schema: deals, tasks, templates, history, stage totals.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salestui.domain import STAGES

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("lost_reason", sa.Text(), nullable=False),
        sa.Column("satisfaction_score", sa.Integer(), nullable=True),
        sa.Column("satisfaction_verdict", sa.String(length=10), nullable=True),
        sa.Column("satisfaction_comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_board_activity", ["deleted", "stage", "last_activity_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_deal_board_value", ["deleted", "stage", "value", "id"], unique=False
        )
        batch_op.create_index("ix_deal_outcome", ["deleted", "outcome"], unique=False)

    op.create_table(
        "stage_total",
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("stage", "outcome", "currency"),
    )
    op.create_table(
        "template_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("template_task", schema=None) as batch_op:
        batch_op.create_index("ix_template_stage", ["stage", "position"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_deal", ["deal_id", "at", "id"], unique=False)

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_deal_stage", ["deal_id", "stage", "position"], unique=False)

    template = sa.table(
        "template_task",
        sa.column("stage", sa.String),
        sa.column("title", sa.Text),
        sa.column("position", sa.Integer),
        sa.column("required", sa.Boolean),
    )
    op.bulk_insert(
        template,
        [
            {"stage": stage.key, "title": title, "position": position, "required": True}
            for stage in STAGES
            for position, title in enumerate(stage.tasks)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_deal_stage")

    op.drop_table("task")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_deal")

    op.drop_table("event")
    with op.batch_alter_table("template_task", schema=None) as batch_op:
        batch_op.drop_index("ix_template_stage")

    op.drop_table("template_task")
    op.drop_table("stage_total")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_outcome")
        batch_op.drop_index("ix_deal_board_value")
        batch_op.drop_index("ix_deal_board_activity")

    op.drop_table("deal")
