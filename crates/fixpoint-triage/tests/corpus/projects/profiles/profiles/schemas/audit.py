from datetime import datetime

from pydantic import BaseModel, Field


class AuditEvent(BaseModel):
    actor: str
    action: str
    created_at = Field(default_factory=datetime.now)
