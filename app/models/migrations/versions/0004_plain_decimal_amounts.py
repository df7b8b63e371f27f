"""amounts stored as plain decimals

Older versions stored an amount with seven or more decimals in exponent form (``1E-7``), which
the export then wrote into the catalog document and the validator refused. The column type now
stores plain digits (``0.0000001``); this migration rewrites the values stored before.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02 07:40:00
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

MONEY_COLUMNS = {
    "contract": ("early_termination_fee",),
    "tax_rate": ("rate",),
    "price_plan_price": ("amount",),
    "promo_code": ("amount",),
    "rate_plan_rate": ("per_unit",),
    "usage_bucket_tier": ("threshold", "flat_charge"),
    "usage_record": ("quantity",),
    "account_service": ("price",),
    "one_time_charge": ("amount",),
    "transition_charge": ("amount", "penalty_amount"),
    "discount": ("amount",),
    "one_time_tier": ("amount",),
    "recurring_amount": ("amount",),
    "recurring_bucket_tier": ("threshold", "flat_charge"),
    "recurring_tier": ("amount",),
}


def _plain(text: str) -> str | None:
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:
        return None


def upgrade() -> None:
    bind = op.get_bind()
    for table, columns in MONEY_COLUMNS.items():
        for column in columns:
            rows = bind.execute(sa.text(
                f"SELECT id, {column} FROM {table} WHERE {column} LIKE '%E%' "
                f"OR {column} LIKE '%e%'")).all()
            for row_id, value in rows:
                plain = _plain(value)
                if plain is not None and plain != value:
                    bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :i"),
                                 {"v": plain, "i": row_id})


def downgrade() -> None:
    pass  # plain decimals are read by every version
