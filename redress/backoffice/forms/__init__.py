"""Forms of the staff site, one module per page group (as ``backoffice.views``); the lifecycle
actions' forms are in ``actions``, what they share in ``common``. They only parse and validate
input; the services decide. The names are re-exported here for callers that import the package."""

from __future__ import annotations

from redress.backoffice.forms.actions import (
    AcknowledgeForm,
    ActionForm,
    ApproveForm,
    AssessForm,
    AssignForm,
    CloseForm,
    CommunicateForm,
    EscalateForm,
    NoteForm,
    NoteOptionalForm,
    PauseForm,
    PrioritiseForm,
    ProposeDecisionForm,
    ReactionForm,
    ReasonForm,
    ReferExternalForm,
    RemedyForm,
    RemedyFormSet,
    ReopenForm,
    ReplyForm,
    ResumeForm,
    ReturnDecisionForm,
    SettleRemedyForm,
    StartInvestigationForm,
    WithdrawForm,
)
from redress.backoffice.forms.auth import (
    LanguageForm,
)
from redress.backoffice.forms.inbound import (
    DismissForm,
    MailboxForm,
)
from redress.backoffice.forms.intake import (
    IntakeForm,
)
from redress.backoffice.forms.integrations import (
    ApiTokenForm,
    DeliveryFilterForm,
    SubscriptionDisableForm,
    WebhookEditForm,
    WebhookSubscriptionForm,
)
from redress.backoffice.forms.queues import (
    BulkForm,
    QueueFilterForm,
)

__all__ = [
    "AcknowledgeForm",
    "ActionForm",
    "ApiTokenForm",
    "ApproveForm",
    "AssessForm",
    "AssignForm",
    "BulkForm",
    "CloseForm",
    "CommunicateForm",
    "DeliveryFilterForm",
    "DismissForm",
    "EscalateForm",
    "IntakeForm",
    "LanguageForm",
    "MailboxForm",
    "NoteForm",
    "NoteOptionalForm",
    "PauseForm",
    "PrioritiseForm",
    "ProposeDecisionForm",
    "QueueFilterForm",
    "ReactionForm",
    "ReasonForm",
    "ReferExternalForm",
    "RemedyForm",
    "RemedyFormSet",
    "ReopenForm",
    "ReplyForm",
    "ResumeForm",
    "ReturnDecisionForm",
    "SettleRemedyForm",
    "StartInvestigationForm",
    "SubscriptionDisableForm",
    "WebhookEditForm",
    "WebhookSubscriptionForm",
    "WithdrawForm",
]
