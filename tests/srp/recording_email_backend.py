"""A delivery backend for tests run in a separate process: it records each message it is handed
in a file (so the record survives the process), takes its time when told to (a slow mail
server), and, when told to, kills its own process right after the n-th message, as a server
dying after the mail server accepted it would."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

LOG = "SRP_TEST_DELIVERY_LOG"
CRASH_AFTER = "SRP_TEST_CRASH_AFTER"
DELAY = "SRP_TEST_DELAY_SECONDS"
CRASH_EXIT_CODE = 75

_handed = 0


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:  # noqa: ANN001
        global _handed
        crash_after = int(os.environ.get(CRASH_AFTER) or 0)
        delay = float(os.environ.get(DELAY) or 0)
        for message in email_messages:
            time.sleep(delay)
            with Path(os.environ[LOG]).open("a", encoding="utf-8") as log:
                log.write(",".join(message.to) + "\n")
                log.flush()
                os.fsync(log.fileno())
            _handed += 1
            if crash_after and _handed >= crash_after:
                os._exit(CRASH_EXIT_CODE)  # no cleanup, no rollback handlers: a killed process
        return len(email_messages)
