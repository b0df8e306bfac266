"""catalogue sources: the exact YAML of each version, who published it, and the catalogue's other files

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogue_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.Column('stored_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['stored_by_id'], ['users.id'], name=op.f('fk_catalogue_files_stored_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_files'))
    )
    with op.batch_alter_table('catalogue_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_files_path'), ['path'], unique=False)

    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_questionnaire_versions_published_by_id_users'), 'users', ['published_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questionnaire_versions_published_by_id_users'), type_='foreignkey')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('source_text')

    with op.batch_alter_table('catalogue_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_files_path'))

    op.drop_table('catalogue_files')
