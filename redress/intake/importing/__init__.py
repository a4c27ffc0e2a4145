"""Importing complaints from a CSV or Excel file (docs/import.md).

The steps, each in its own module:

- ``read``: the file into a ``Table`` (``table_read``) and its columns matched to fields
  (``mapping_guess``);
- ``check``: every row validated, every problem reported (row, column, reason), nothing written
  (``table_check`` → ``Plan``);
- ``write``: the plan's rows written as received complaints in one transaction, or none
  (``plan_write``): a file with one bad row imports nothing;
- ``batch``: the same for an ``ImportBatch`` uploaded in the admin or given to the command,
  with the outcome and one audit entry for the whole import (``batch_check``,
  ``batch_plan_write``, ``batch_check_and_write``).
"""

from redress.intake.importing.batch import (
    batch_check,
    batch_check_and_write,
    batch_file_read,
    batch_plan_write,
)
from redress.intake.importing.check import (
    MESSAGES,
    SCOPE,
    CheckedRow,
    Plan,
    RowError,
    errors_csv,
    row_key,
    table_check,
)
from redress.intake.importing.read import (
    FIELD_NAMES,
    FIELDS,
    FileUnreadable,
    ImportField,
    Table,
    mapping_guess,
    table_read,
)
from redress.intake.importing.write import IMPORT_ACTOR, ImportResult, plan_write

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "IMPORT_ACTOR",
    "MESSAGES",
    "SCOPE",
    "CheckedRow",
    "FileUnreadable",
    "ImportField",
    "ImportResult",
    "Plan",
    "RowError",
    "Table",
    "batch_check",
    "batch_check_and_write",
    "batch_file_read",
    "batch_plan_write",
    "errors_csv",
    "mapping_guess",
    "plan_write",
    "row_key",
    "table_check",
    "table_read",
]
