"""Which errors mean that the file storage refused a write: a full or read-only disk (any
``OSError``: ENOSPC, EROFS, EACCES, EDQUOT...), or S3-compatible object storage that cannot be
reached or answers with an error (quota, access denied, 5xx). The settings choose the storage
(``REDRESS_STORAGE``, docs/deployment.md); code that saves a file catches these and no more."""

from __future__ import annotations


def _object_storage_errors() -> tuple[type[BaseException], ...]:
    try:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 comes with django-storages[s3]
        return ()
    return (BotoCoreError, ClientError, Boto3Error)


def storage_write_errors() -> tuple[type[BaseException], ...]:
    """The exception classes a storage raises when it refuses to keep a file."""
    return (OSError, *_object_storage_errors())
