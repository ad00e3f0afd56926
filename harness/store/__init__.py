"""SQLite storage: responses as they arrive (the cache), runs, and ordered migrations."""

from harness.store.migrations import MIGRATIONS, migrate
from harness.store.responses import ResponseStore, StoreStats

__all__ = ["MIGRATIONS", "ResponseStore", "StoreStats", "migrate"]
