"""retention of personal data: postponement and erasure per wave and supervision round

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_postponed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retention_postpone_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('personal_data_erased_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('supervision_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retention_postponed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retention_postpone_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('personal_data_erased_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('supervision_rounds', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')
        batch_op.drop_column('retention_postpone_reason')
        batch_op.drop_column('retention_postponed_until')
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')
        batch_op.drop_column('retention_postpone_reason')
        batch_op.drop_column('retention_postponed_until')
