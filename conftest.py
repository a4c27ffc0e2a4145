import pytest


def pytest_collection_modifyitems(config, items):
    """The access matrix first (six parts of up to 45 s each), so that the parallel workers end
    together rather than one of them finishing a long part alone. It is among the tests run in
    a transaction rolled back, which pytest-django puts before the ones that empty the
    database (the browser journeys), and this keeps it there."""
    items.sort(key=lambda item: item.get_closest_marker("access_matrix") is None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Each test database starts from a migrated copy kept between runs
    (tests/database_template.py) instead of migrating from nothing."""
    from tests.database_template import use_migrated_template

    use_migrated_template()


@pytest.fixture(scope="session", autouse=True)
def _own_cache():
    """Each test process counts in its own memory, not in the shared cache folder under var/:
    parallel test processes (pytest -n) must not see each other's rate-limit counts."""
    from django.test.utils import override_settings

    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


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


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(request, monkeypatch):
    """A test that signs in with ``force_login`` as someone whose role requires a second factor
    gets a session that gave it (redress.core.testing.second_factor_verified), as if they had
    typed their code. Tests of the second factor itself are marked ``second_factor``."""
    if request.node.get_closest_marker("second_factor"):
        return
    from django.test import Client

    from redress.core.models import User
    from redress.core.secondfactor import second_factor_required
    from redress.core.testing import second_factor_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if second_factor_required(User.objects.get(pk=user.pk)):
            second_factor_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
