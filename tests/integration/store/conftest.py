from tests.integration.store.fixtures import migrated_url

__all__ = ["migrated_url"]
