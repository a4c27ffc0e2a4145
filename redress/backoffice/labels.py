"""Strings of the new complaints modules (queues, exports) that the staff site shows.

The complaints app's Vietnamese catalogue is kept by another part of the project; until these
strings are added there, they are declared here too so that the staff site's catalogue
translates them (gettext looks a message up in every catalogue, whichever declared it).
"""

from django.utils.translation import gettext_lazy as _

COMPLAINTS_STRINGS = [
    # complaints/queues.py
    _("My complaints"),
    _("My unit"),
    _("Unassigned"),
    _("Due soon"),
    _("Overdue"),
    _("Awaiting approval"),
    _("Awaiting complainant"),
    _("All visible"),
    _("Newest first"),
    _("Oldest first"),
    _("Deadline"),
    _("Priority"),
    _("Reference"),
    _("Status"),
    _("On track"),
    _("No deadline"),
    # complaints/exports.py
    _("Received"),
    _("Channel"),
    _("Severity"),
    _("Category"),
    _("Unit"),
    _("Owner"),
    _("Subject"),
    _("Complainant"),
    _("Email"),
    _("Phone"),
    _("Closed"),
]
