import pytest


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    """Tests read messages in English unless they ask for Vietnamese, and hash passwords fast."""
    from django.utils import translation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield
