from redress.portal.testing import portal_content  # noqa: F401 - the shared fixture
