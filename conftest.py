import pytest


@pytest.fixture(autouse=True)
def _test_defaults(settings, tmp_path):
    """Tests read messages in English unless they ask for Vietnamese, hash passwords fast and
    read settings rows afresh."""
    from django.utils import translation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change settings rows directly and expect the next call to see them.
    settings.REDRESS_SETTINGS_MEMO_SECONDS = 0
    # Serving processes refuse the public demo key (redress.core.startup): tests have their own.
    settings.SECRET_KEY = "redress-tests-only-" + "k" * 40
    # Each test anchors its own audit chain (the database is rolled back after each test).
    settings.REDRESS_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"
    with translation.override("en"):
        yield
