"""Capture every log record of a block of code, to show a secret never reaches the logs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from infra.observability.logs import formatter


class _Capture(logging.Handler):
    """Every record rendered in each format a deployment can choose (text and JSON)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.formatters = [formatter("text"), formatter("json")]
        self.lines: list[str] = []
        self.json_lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # format() renders the arguments, the traceback and the stack: all a log shows.
        text, as_json = (f.format(record) for f in self.formatters)
        self.lines += [text, as_json]
        self.json_lines.append(as_json)


class CapturedLogs:
    def __init__(self, handler: _Capture) -> None:
        self._handler = handler

    @property
    def json_lines(self) -> list[str]:
        """The lines as ``CIVIC_LOG_FORMAT=json`` prints them."""
        return list(self._handler.json_lines)

    @property
    def text(self) -> str:
        return "\n".join(self._handler.lines)

    def __len__(self) -> int:
        return len(self._handler.json_lines)

    def assert_never_contains(self, *secrets: str) -> None:
        for secret in secrets:
            assert secret, "an empty secret proves nothing"
            leaked = [line for line in self._handler.lines if secret in line]
            assert not leaked, f"{secret[:4]}... appears in {len(leaked)} log line(s): {leaked[0][:200]}"


@contextlib.contextmanager
def capture_logs(*, outside: tuple[str, ...] = ()) -> Iterator[CapturedLogs]:
    """Every record of every logger, at every level, while the block runs; except those of
    ``outside`` loggers (and their children): servers that stand in for the outside world,
    such as the embedded SMTP server, which is the recipients' mail server.

    Frameworks reconfigure logging as they start (Litestar replaces the root handlers
    and levels), so a handler on the root logger would miss records. Instead every
    logger hands each record to the capture first, then carries on as configured:
    what is printed does not change.
    """
    capture = _Capture()
    original_handle = logging.Logger.handle
    original_enabled = logging.Logger.isEnabledFor

    def handle(self: logging.Logger, record: logging.LogRecord) -> None:
        if not any(record.name == o or record.name.startswith(o + ".") for o in outside):
            capture.handle(record)
        if record.levelno >= self.getEffectiveLevel() and not self.disabled:
            original_handle(self, record)

    logging.Logger.handle = handle  # type: ignore[method-assign]
    logging.Logger.isEnabledFor = lambda self, level: True  # type: ignore[method-assign]
    try:
        yield CapturedLogs(capture)
    finally:
        logging.Logger.handle = original_handle  # type: ignore[method-assign]
        logging.Logger.isEnabledFor = original_enabled  # type: ignore[method-assign]
