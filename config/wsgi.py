import os

from django.core.wsgi import get_wsgi_application

from redress.core.startup import secret_key_check

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# After setup: refuses the public demo key unless debugging.
secret_key_check()
