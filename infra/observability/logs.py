"""Log lines: human-readable by default, one JSON object per line with
``CIVIC_LOG_FORMAT=json`` (time, level, logger, message, request id, correlation id,
actor, trace id, and the exception when there is one)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import msgspec

from infra.observability import context, tracing

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_encoder = msgspec.json.Encoder()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": context.request_id.get(),
            "correlation_id": context.correlation_id.get(),
            "actor": context.actor.get(),
            "trace_id": tracing.trace_id(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return _encoder.encode({k: v for k, v in line.items() if v is not None}).decode()


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's too) through one handler in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True


def uvicorn_log_config(log_format: str) -> dict[str, object]:
    """uvicorn's ``log_config``: its loggers go through our formatter too."""
    factory = "infra.observability.logs.JsonFormatter" if log_format == "json" else "logging.Formatter"
    fmt = {"()": factory} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"civic": fmt},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "civic"}},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {name: {"handlers": [], "propagate": True} for name in
                    ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }
