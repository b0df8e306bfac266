"""The data model, one module per aggregate; importing this package registers every table."""
from app.models.account import LoginEvent, OidcIdentity, RecoveryCode
from app.models.export import ExportJob
from app.models.heartbeat import Heartbeat
from app.models.questionnaire import CatalogueFile, QuestionFingerprint, QuestionnaireVersion
from app.models.reference import Experiment, Municipality
from app.models.response import Answer, Response
from app.models.supervision import CaseListEntry, EvaluationScheme, SupervisionRecord, SupervisionRound
from app.models.types import utcnow
from app.models.user import AuditEntry, ThrottleEvent, User
from app.models.wave import Invitation, Message, Respondent, Wave

__all__ = [
    "Answer",
    "AuditEntry",
    "CaseListEntry",
    "CatalogueFile",
    "EvaluationScheme",
    "Experiment",
    "ExportJob",
    "Heartbeat",
    "Invitation",
    "LoginEvent",
    "Message",
    "Municipality",
    "OidcIdentity",
    "QuestionFingerprint",
    "QuestionnaireVersion",
    "RecoveryCode",
    "Respondent",
    "Response",
    "SupervisionRecord",
    "SupervisionRound",
    "ThrottleEvent",
    "User",
    "Wave",
    "utcnow",
]
