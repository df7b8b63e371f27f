"""Kill Bill catalog XML: export a catalog document to it and import one from it.

The mapping between our catalog and Kill Bill's is described in :mod:`.mapping` (and
``docs/killbill.md``); :mod:`.exporter` writes the XML, :mod:`.importer` reads it. The rest of the
application uses only the names re-exported here.
"""

from app.catalog.killbill.exporter import catalog_to_killbill
from app.catalog.killbill.importer import killbill_to_catalog
from app.catalog.killbill.mapping import KILLBILL_CURRENCIES, MappingNote

__all__ = ["KILLBILL_CURRENCIES", "MappingNote", "catalog_to_killbill", "killbill_to_catalog"]
