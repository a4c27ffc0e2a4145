from redress.notifications.testing import smtp  # noqa: F401 - the shared fixture
