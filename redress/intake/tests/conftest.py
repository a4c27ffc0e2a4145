import pytest

from redress.intake.testing import Dovecot
from redress.notifications.channels.testing import gateway  # noqa: F401 - the shared fixture


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Original emails and attachments are stored under a fresh folder for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def dovecot_server():
    server = Dovecot().start()
    yield server
    server.stop()
    server.remove()


@pytest.fixture
def imap(dovecot_server):
    """A real IMAP server (Dovecot on 127.0.0.1) with an empty INBOX."""
    if dovecot_server._process is None:
        dovecot_server.start()
    dovecot_server.clear()
    yield dovecot_server
    if dovecot_server._process is None:
        dovecot_server.start()
