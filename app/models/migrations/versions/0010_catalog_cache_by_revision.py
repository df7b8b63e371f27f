"""the cached catalog document is tagged with the catalog revision it was read at

On SQLite a write no longer deletes the cached copy of the whole document (``catalog_cache``):
deleting its 70 MB at 30,000 frequencies cost the first save of a session most of a second.
The copy is stored under the id ``-(revision + 1)`` (``PRAGMA user_version``, which every
write bumps) and read only while the revision is still that one. This migration drops any copy
an earlier release left, which carries no revision; and since an earlier release would read a
copy without checking its revision, it must not open a file this one wrote (it refuses a newer
schema revision).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM catalog_cache")


def downgrade() -> None:
    op.execute("DELETE FROM catalog_cache")
