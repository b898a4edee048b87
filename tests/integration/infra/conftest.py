from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.infra.support import OwnNats


@pytest.fixture
def own_nats() -> Iterator[OwnNats]:
    """A nats-server of this test alone, started; stop and start it at will."""
    server = OwnNats()
    server.start()
    yield server
    server.remove()
