"""Catalog versions: scheduled price changes

Revision ID: 0008
Revises: 0009
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('policy', sa.String(length=20), nullable=False),
    sa.Column('existing_from', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.CheckConstraint("policy IN ('grandfathered', 'move')",
                       name=op.f('ck_catalog_version_policy_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version')),
    sa.UniqueConstraint('effective_date', name=op.f('uq_catalog_version_effective_date')),
    sa.UniqueConstraint('position', name=op.f('uq_catalog_version_position'))
    )


def downgrade() -> None:
    op.drop_table('catalog_version')
