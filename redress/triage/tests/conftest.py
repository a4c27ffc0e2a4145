import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Model files go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_models():
    """No learned model kept in memory from another test (ids repeat across tests)."""
    from redress.triage import selectors

    selectors._LOADED.clear()
    yield
    selectors._LOADED.clear()
