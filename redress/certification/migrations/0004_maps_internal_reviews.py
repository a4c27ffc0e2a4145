"""The ISO 10002 map asks, at clause 7.8, for internal reviews decided on time (the KPI
``review_on_time_pct``; none in the window is no gap): the shipped maps are loaded again, as
0002 loaded them."""

from django.db import migrations


def maps_load(apps, schema_editor):
    from redress.certification.maps import SHIPPED, map_load, map_read

    for code in SHIPPED:
        map_load(map_read(code), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("certification", "0003_pack")]

    operations = [migrations.RunPython(maps_load, migrations.RunPython.noop)]
