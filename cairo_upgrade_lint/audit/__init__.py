"""``audit``: check contracts against the requirement checklist of their upgrade pattern (proxy,
diamond, governance, migration, rollback), and describe the detected upgrade architecture.

    result = run(path, config, profile_names("all"))
    text = render(result, "text")                 # or "json", "sarif"; design / graph views
"""

from .checklist import PROFILES, REQUIREMENT_IDS, AuditRun, profile_names, run
from .views import render

__all__ = ["PROFILES", "REQUIREMENT_IDS", "AuditRun", "profile_names", "render", "run"]
