import os

from django.core.asgi import get_asgi_application

from redress.core.startup import heap_settle, secret_key_check

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# After setup: refuses the public demo key unless debugging.
secret_key_check()
# Last: what is loaded now lasts as long as the process; the garbage collector leaves it be.
heap_settle()
