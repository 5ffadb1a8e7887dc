"""Settings for the test suite: the app's own settings, with a cheap password hasher.

PBKDF2's deliberate slowness is what protects real passwords; in tests it only costs time
(every fixture user and every browser log-in hashes a password).
"""

from marginalia.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run inside enqueue(), so a test sees an import's or an export's outcome at once; the tests of the
# worker itself (tests/test_jobs_worker.py) switch to the database backend and run the real db_worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "marginalia.sqlite":  # noqa: F405
    # A file, not memory: the worker tests run db_worker in another process, which must see this database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}  # noqa: F405
elif DATABASES["default"]["ENGINE"] == "marginalia.postgresql":  # noqa: F405
    # Flushes by DELETE rather than TRUNCATE: a transactional test's teardown, 9 ms instead of 326 ms.
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
