"""Settings for the test suite: the app's own settings, with a cheap password hasher.

PBKDF2's deliberate slowness is what protects real passwords; in tests it only costs time
(every fixture user and every browser log-in hashes a password).
"""

from marginalia.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
