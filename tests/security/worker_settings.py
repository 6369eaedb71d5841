"""Settings for a real ``celery -A config worker`` subprocess started by tests/security/test_faults.py.

The test settings run tasks in-process; this worker takes them from Redis instead. It shares the test's
media directory (``FONDOS_TEST_MEDIA_ROOT``) so the test can read the files it writes, redelivers a
killed worker's unacknowledged task after about 5 seconds instead of an hour, and, when
``FONDOS_TEST_SLOW_RENDER`` names a file, makes letter rendering slow: it touches that file once
rendering has started, then sleeps, so the test can kill the worker in the middle of it.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init, worker_ready

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
# Look for abandoned messages every second (kombu's default is every 10 × 10 seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
}
MEDIA_ROOT = os.environ.get("FONDOS_TEST_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405

SLOW_RENDER_MARKER = os.environ.get("FONDOS_TEST_SLOW_RENDER", "")


def _slow_down_rendering(**kwargs):
    from letters import rendering

    render = rendering.letter_pdf

    def slow_letter_pdf(letter):
        Path(SLOW_RENDER_MARKER).write_text(str(letter.pk))
        time.sleep(120)
        return render(letter)

    rendering.letter_pdf = slow_letter_pdf


if SLOW_RENDER_MARKER:
    worker_ready.connect(_slow_down_rendering, weak=False)
    worker_process_init.connect(_slow_down_rendering, weak=False)
