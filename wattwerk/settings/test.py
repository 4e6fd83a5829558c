"""Settings for the test suite: tasks run immediately, e-mail stays in memory, fast hashing."""

import os

from .base import *  # noqa: F403

# A file, not memory: the real worker in the outbox tests runs in a process of its own.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # One file per run, so that two runs on one checkout do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# A record type that exists only in the tests (wattwerk/core/tests/sample).
INSTALLED_APPS = [*INSTALLED_APPS, "wattwerk.core.tests.sample"]  # noqa: F405

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
DEBUG = False

# Static files are found when asked for instead of listed whenever a test client starts (the
# listing took a third of the suite's time); the browser tests still get every file.
WHITENOISE_AUTOREFRESH = True
