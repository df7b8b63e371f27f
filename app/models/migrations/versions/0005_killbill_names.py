"""Kill Bill names and publications

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-02 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('killbill_name',
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_killbill_name')),
    sa.UniqueConstraint('name', name=op.f('uq_killbill_name_name'))
    )
    op.create_table('killbill_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('catalog_name', sa.Text(), nullable=False),
    sa.Column('effective_date', sa.String(length=40), nullable=False),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_killbill_publication'))
    )


def downgrade() -> None:
    op.drop_table('killbill_publication')
    op.drop_table('killbill_name')
