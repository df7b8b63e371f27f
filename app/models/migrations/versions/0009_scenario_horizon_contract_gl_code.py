"""the simulator's horizon saved with each scenario; a GL code for early termination fees

An account scenario remembers how many periods the simulator bills for it (``account.periods``;
NULL: the simulator's default). The account table had no field for such settings, hence the
column. A contract may name the GL code of its early termination fee (``contract.gl_code``).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('periods', sa.Integer(), nullable=True))
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gl_code', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('gl_code')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('periods')
