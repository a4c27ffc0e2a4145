"""Storage for tests: a real S3-protocol server (moto's, in this process, on a loopback port)
and a fresh bucket per test, with Redress's default storage pointed at it as
``REDRESS_STORAGE=s3`` does (config/settings.py); and a local disk that fills up."""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage

KEY_ID, SECRET = "redress-test", "redress-test-secret"
REGION = "us-east-1"


@dataclass
class Bucket:
    name: str
    client: Any  # boto3's S3 client, to look at the bucket as an operator would

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def empty(self) -> None:
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings: Any) -> Bucket:
    import boto3

    name = f"redress-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        region_name=REGION,
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(s3_endpoint, name),
        },
    }
    return Bucket(name, client)


def s3_options(endpoint: str, bucket: str) -> dict[str, Any]:
    """The options config/settings.py gives django-storages for REDRESS_STORAGE=s3."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": REGION,
        "access_key": KEY_ID,
        "secret_key": SECRET,
        "location": "",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }


class FullDiskStorage(FileSystemStorage):
    """A local storage on a disk that fills up: the first ``saves_left`` saves succeed, then
    each writes half of its file and fails with ``error`` (ENOSPC: no space left; EROFS: a
    read-only filesystem), as the real disk would."""

    saves_left = 0
    error = errno.ENOSPC

    def _save(self, name: str, content: Any) -> str:
        if FullDiskStorage.saves_left > 0:
            FullDiskStorage.saves_left -= 1
            return super()._save(name, content)  # type: ignore[misc]
        data = content.read()
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[: len(data) // 2])
        raise OSError(self.error, os.strerror(self.error), str(path))
