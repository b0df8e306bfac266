"""waves: an optional English label, shown on English pages and documents

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_en', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_column('label_en')
