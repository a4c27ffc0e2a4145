"""The maps shipped with Redress (``certification/maps/*.json``): ISO 10002 by clause and
guiding principle, then ISO 9001's clauses that the complaints evidence feeds. A changed or new
map file is loaded by a later migration calling ``maps_load`` the same way."""

from django.db import migrations


def maps_load(apps, schema_editor):
    from redress.certification.maps import SHIPPED, map_load, map_read

    for code in SHIPPED:
        map_load(map_read(code), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(maps_load, migrations.RunPython.noop)]
