from redress.portal.testing import portal_settings  # noqa: F401
