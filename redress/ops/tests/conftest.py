from redress.ops.testing import s3_bucket, s3_endpoint  # noqa: E402, F401 - shared fixtures
from redress.portal.testing import portal_content  # noqa: F401 - the shared fixture
