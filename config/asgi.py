import os

from django.core.asgi import get_asgi_application

from redress.core.startup import secret_key_check

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# After setup: refuses the public demo key unless debugging.
secret_key_check()
