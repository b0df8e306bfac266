"""messages: the claim of the sender sending a message (who, and until when)

Revision ID: 0009_mail
Revises: 0008
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_mail'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
    # Before, a claim's lease was kept in next_attempt_at.
    op.execute("UPDATE messages SET claimed_until = next_attempt_at, claimed_by = 'before-0009' "
               "WHERE status = 'sending'")


def downgrade():
    op.execute("UPDATE messages SET next_attempt_at = claimed_until WHERE status = 'sending'")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
