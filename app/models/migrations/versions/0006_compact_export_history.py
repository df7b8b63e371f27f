"""compact export history (shared compressed parts), catalog extensions (x- keys)

Every export used to keep a full JSON copy of the catalog (98 MiB at 10,000 packages). Now an
export keeps a manifest over shared, compressed parts; the existing copies are converted.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

import json
import zlib

import orjson
import sqlalchemy as sa
from alembic import op

from app.catalog.database.history import COMPRESSION, document_size, split_document

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None

_export = sa.table(
    'catalog_export', sa.column('id', sa.Integer), sa.column('document_json', sa.Text),
    sa.column('size', sa.Integer), sa.column('stored', sa.Integer),
    sa.column('manifest', sa.LargeBinary),
)
_part = sa.table('export_part', sa.column('digest', sa.String), sa.column('data', sa.LargeBinary))


def upgrade() -> None:
    op.create_table('export_part',
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_export_part'))
    )
    op.create_table('catalog_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locator', sa.Text(), nullable=False),
    sa.Column('keys_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_extension')),
    sa.UniqueConstraint('locator', name=op.f('uq_catalog_extension_locator'))
    )
    with op.batch_alter_table('catalog_export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stored', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('manifest', sa.LargeBinary(), nullable=True))
    _convert_history(op.get_bind())
    with op.batch_alter_table('catalog_export', schema=None) as batch_op:
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('stored', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('manifest', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('document_json')


def _convert_history(conn: sa.Connection) -> None:
    """Each stored full copy becomes a manifest over shared parts, one export at a time."""
    known: set[str] = set()
    numbers = list(conn.execute(sa.select(_export.c.id).order_by(_export.c.id)).scalars())
    for number in numbers:
        text = conn.execute(sa.select(_export.c.document_json)
                            .where(_export.c.id == number)).scalar_one()
        manifest, parts = split_document(json.loads(text))
        added = 0
        for digest, data in parts.items():
            if digest in known:
                continue
            compressed = zlib.compress(data, COMPRESSION)
            conn.execute(sa.insert(_part).values(digest=digest, data=compressed))
            known.add(digest)
            added += len(compressed)
        encoded = zlib.compress(orjson.dumps(manifest), COMPRESSION)
        size = document_size(manifest, parts)
        conn.execute(sa.update(_export).where(_export.c.id == number).values(
            size=size, stored=added + len(encoded), manifest=encoded))


def downgrade() -> None:
    with op.batch_alter_table('catalog_export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_json', sa.Text(), nullable=True))
    conn = op.get_bind()
    for number, data in conn.execute(sa.select(_export.c.id, _export.c.manifest)).all():
        doc: dict[str, object] = {}
        for key, ref in orjson.loads(zlib.decompress(data)):
            if isinstance(ref, list):
                doc[key] = [_load(conn, digest) for digest, _name in ref]
            else:
                doc[key] = _load(conn, ref)
        conn.execute(sa.update(_export).where(_export.c.id == number)
                     .values(document_json=json.dumps(doc, sort_keys=True)))
    with op.batch_alter_table('catalog_export', schema=None) as batch_op:
        batch_op.alter_column('document_json', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('manifest')
        batch_op.drop_column('stored')
        batch_op.drop_column('size')
    op.drop_table('catalog_extension')
    op.drop_table('export_part')


def _load(conn: sa.Connection, digest: str) -> object:
    data = conn.execute(sa.select(_part.c.data).where(_part.c.digest == digest)).scalar_one()
    return orjson.loads(zlib.decompress(data))
