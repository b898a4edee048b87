"""``civic status`` and the metrics read the notification outboxes from one declaration:
the depth and the oldest undelivered item of the email and webhook outboxes."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from infra import cli
from infra.container import open_civic
from infra.observability.metrics import OUTBOX_AGE, OUTBOX_DEPTH, Sampler
from tests.integration.notifications.support import seed


async def test_status_and_metrics_show_each_outbox_depth_and_oldest_undelivered(isolated, capsys, monkeypatch):
    settings = await isolated()
    civic = await open_civic(settings, with_nats=False)
    try:
        now = civic.clock.now()
        oldest = now - timedelta(hours=2)
        await seed(settings.database_url, 2, oldest, prefix="due")
        await seed(settings.database_url, 1, now - timedelta(minutes=5), prefix="retry")
        await civic.pool.execute("UPDATE notify_outbox SET attempts = 1 WHERE notice_id LIKE 'retry:%'")
        await seed(settings.database_url, 1, now + timedelta(days=3), prefix="later")  # a reminder
        await seed(settings.database_url, 1, now - timedelta(days=9), prefix="sent")
        await civic.pool.execute("UPDATE notify_outbox SET status = 'sent' WHERE notice_id LIKE 'sent:%'")
        for i, (occurred, attempts) in enumerate([(now - timedelta(minutes=30), 3), (now, 0)]):
            await civic.pool.execute(
                "INSERT INTO notify_deliveries (delivery_id, subscription_id, stream_id, event_id, kind,"
                " occurred_at, body, attempts, next_attempt_at) VALUES ($1, 'wh1', 's1', $1, 'bid.received',"
                " $2, '{}', $3, $4)", f"d{i}", occurred, attempts, now + timedelta(minutes=attempts))

        report = await cli.status_report(settings)
        mail, hooks = report["outboxes"]["mail"], report["outboxes"]["webhooks"]
        assert mail["depth"] == 3 and mail["retrying"] == 1 and mail["scheduled"] == 1
        assert mail["oldest_undelivered"] == oldest.isoformat()
        assert 7100 < mail["oldest_age_seconds"] < 7300
        assert hooks["depth"] == 2 and hooks["retrying"] == 1 and hooks["backing_off"] == 1
        assert hooks["oldest_undelivered"] == (now - timedelta(minutes=30)).isoformat()
        json.dumps(report)  # what `civic status --json` prints
        monkeypatch.setattr(cli, "_settings", lambda: settings)
        assert await cli._status(argparse.Namespace(json=False)) == 0
        printed = capsys.readouterr().out
        assert f"outbox mail              depth        3  oldest undelivered {oldest.isoformat()}" in printed
        assert "outbox webhooks          depth        2" in printed and "backing_off 1" in printed

        await Sampler(civic, relay=False, runners=[], timers=True).sample()
        assert OUTBOX_DEPTH.labels("mail")._value.get() == 3
        assert 7100 < OUTBOX_AGE.labels("mail")._value.get() < 7300
        assert OUTBOX_DEPTH.labels("webhooks")._value.get() == 2

        await civic.pool.execute("UPDATE notify_outbox SET status = 'sent'")
        await civic.pool.execute("UPDATE notify_deliveries SET status = 'delivered'")
        empty = (await cli.status_report(settings))["outboxes"]
        assert empty["mail"]["depth"] == 0 and empty["mail"]["oldest_undelivered"] is None
        assert empty["webhooks"] == {"depth": 0, "oldest_undelivered": None, "oldest_age_seconds": 0.0,
                                     "retrying": 0, "backing_off": 0}
    finally:
        await civic.close()
