"""The deployment files are usable as shipped: the three JetStream node configurations
pass nats-server's own check and form one cluster; the stream asks for the replicas
the cluster is configured for."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from infra.bus import DUPLICATE_WINDOW_S, stream_config
from infra.embedded import nats_server_binary
from infra.settings import Settings

DEPLOY = Path(__file__).resolve().parents[3] / "infra" / "deploy"
NODES = sorted((DEPLOY / "nats").glob("civic-nats-*.conf"))


def test_three_nodes_are_configured():
    assert [p.stem for p in NODES] == ["civic-nats-0", "civic-nats-1", "civic-nats-2"]


@pytest.mark.parametrize("conf", NODES, ids=lambda p: p.stem)
def test_node_configuration_is_valid_and_routes_to_every_node(conf):
    checked = subprocess.run([nats_server_binary(), "-c", str(conf), "-t"], capture_output=True,
                             text=True, env={"CIVIC_NATS_PASSWORD": "check"}, timeout=30)
    assert checked.returncode == 0, checked.stderr
    text = conf.read_text()
    assert f"server_name: {conf.stem}" in text
    routes = re.findall(r"nats-route://([\w.-]+):6222", text)
    assert sorted(r.split(".")[0] for r in routes) == [p.stem for p in NODES]


def test_stream_replicas_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CIVIC_STREAM_REPLICAS", "3")
    settings = Settings.from_env()
    config = stream_config(settings.stream_name, settings.subject_prefix, settings.stream_replicas)
    assert config.num_replicas == 3
    assert config.duplicate_window == DUPLICATE_WINDOW_S
    assert config.subjects == ["civic.events.>"]
