"""The database backups, for the views (``lint-imports`` keeps the views off app.models)."""

from app.models.backups import (
    KEEP_BACKUPS,
    Backup,
    BackupError,
    delete_backup,
    list_backups,
    restore_backup,
)

__all__ = ["KEEP_BACKUPS", "Backup", "BackupError", "delete_backup", "list_backups",
           "restore_backup"]
