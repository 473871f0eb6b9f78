"""The semantic model: crates, contracts, storage layout, entry points, events, call graph.

Entry points for the CLI and the rules::

    project = analyze(path)            # load + build; InputError for an unusable input
    description = describe_project(project); text = render_text(description)
"""

from ..errors import InputError
from .contracts import ComponentUse, Contract, EntryPoint, Event, EventField, Interface
from .describe import LAYOUT_VERSION, describe_project, render_text
from .loading import Sources, load
from .project import Project, analyze, build
from .upgrades import UpgradePath, upgrade_paths

__all__ = [
    "LAYOUT_VERSION",
    "ComponentUse",
    "Contract",
    "EntryPoint",
    "Event",
    "EventField",
    "InputError",
    "Interface",
    "Project",
    "Sources",
    "UpgradePath",
    "analyze",
    "build",
    "describe_project",
    "load",
    "render_text",
    "upgrade_paths",
]
