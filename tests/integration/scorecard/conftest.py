from tests.integration.search.conftest import readmodel  # noqa: F401  (a database of the module's own)
