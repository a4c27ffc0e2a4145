"""The complaint lifecycle (ISO 10002 clause 7): every service that moves a complaint, the
action registry the back office and the API read, and the side effects of each action.

``kernel`` holds what every action shares (lock, checks, event, audit, effects); one module per
stage holds its services (``receipt``, ``triage``, ``messages``, ``decisions``, ``closure``);
``services`` gathers them for callers; ``registry`` describes each action once; ``effects`` is
the one table of what follows each action.
"""
