import pytest

from redress.core.models import User
from redress.handling.testing import make_team


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def signed_in(client):
    """Sign a person in to the test client (the session, not the lockout-checked form)."""

    def sign_in(user):
        # Reloaded: the factories set the password on the object without saving it, and the
        # session's hash must match what is stored.
        client.force_login(User.objects.get(pk=user.pk))
        return client

    return sign_in


from redress.notifications.channels.testing import gateway  # noqa: E402, F401 - shared fixture
