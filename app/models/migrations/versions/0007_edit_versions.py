"""edit versions: optimistic concurrency for packages and reference objects

Every package and every reference object (currency, price book, status, transition, service,
tax rate, rate plan, usage bucket, counting rule, contract, company, custom field, promo code,
price plan) gets ``version`` (1 for the rows already there), ``updated_at`` (UTC) and
``updated_by`` (``user@host``). A save names the version it loaded and is refused when another
administrator saved the object since.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

VERSIONED_TABLES = (
    "currency", "price_book", "status", "transition", "service", "tax_rate", "rate_plan",
    "usage_bucket", "counting_rule", "contract", "company", "custom_field", "promo_code",
    "price_plan", "package",
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                          nullable=False))
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('updated_by', sa.String(length=200), nullable=True))


def downgrade() -> None:
    for table in reversed(VERSIONED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_by')
            batch_op.drop_column('updated_at')
            batch_op.drop_column('version')
