from redress.notifications.channels.testing import gateway  # noqa: F401 - the shared fixture
from redress.notifications.testing import smtp  # noqa: F401 - the shared fixture
