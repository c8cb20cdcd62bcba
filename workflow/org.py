"""The organisation as data: load a folder of YAML files into frozen values.

`load_organisation(Path("samples/org"))` returns an `Organisation` or raises `OrgError` listing
every problem with its file, line and key path.
"""

from workflow.org_errors import Location, OrgError, OrgProblem
from workflow.org_loader import load_organisation
from workflow.org_models import (
    Agent,
    Article,
    CalendarSpec,
    DeadlinePolicy,
    OpeningInterval,
    Organisation,
    Topic,
    Unit,
)

__all__ = [
    "Agent",
    "Article",
    "CalendarSpec",
    "DeadlinePolicy",
    "Location",
    "OpeningInterval",
    "OrgError",
    "OrgProblem",
    "Organisation",
    "Topic",
    "Unit",
    "load_organisation",
]
