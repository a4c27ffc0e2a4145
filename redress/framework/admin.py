"""The management framework in the Django admin; each area registers its own models."""

from redress.framework import admin_training  # noqa: F401
