"""supervision records: a case outside the sample may be included by a coordinator

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('supervision_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('include_outside', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('supervision_records', schema=None) as batch_op:
        batch_op.drop_column('include_outside')
