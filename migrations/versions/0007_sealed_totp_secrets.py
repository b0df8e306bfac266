"""sealed second-factor secrets: the column takes an encrypted secret, and stored secrets are sealed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 23:40:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer()), sa.column('totp_secret', sa.String()))


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.totp_secret)
                              .where(users.c.totp_secret.is_not(None))).all()
    for user_id, stored in rows:
        new = change(stored)
        if new != stored:
            connection.execute(users.update().where(users.c.id == user_id).values(totp_secret=new))


def upgrade():
    from app.auth import sealing

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    config = current_app.config
    _rewrite(lambda stored: stored if sealing.is_sealed(stored) else sealing.seal(stored, config))


def downgrade():
    from app.auth import sealing

    config = current_app.config

    def opened(stored):
        secret, _reseal = sealing.unseal(stored, config)
        if secret is None:
            raise RuntimeError("a second-factor secret cannot be opened with SECRET_KEY; downgrade refused")
        return secret

    _rewrite(opened)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
