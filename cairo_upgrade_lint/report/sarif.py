"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om, serialised with jschema-to-python.

Paths are repository-relative URIs against ``%SRCROOT%`` (files of the old version of an
old-vs-new comparison: against ``OLDROOT``). ``partialFingerprints.primaryLocationLineHash`` is
computed as GitHub's upload action would (see ``fingerprint.py``) for results whose primary location
lies under ``%SRCROOT%`` and whose source is readable; otherwise it is left out and the upload
action computes it from the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import attr
import sarif_om as om
from jschema_to_python.to_json import to_json

from cairo_upgrade_lint.catalogue import RuleDoc, render_markdown, render_text
from cairo_upgrade_lint.findings import Finding, Location
from cairo_upgrade_lint.report.context import (
    TOOL_NAME,
    ReportContext,
    message_with_fix,
    package_homepage,
    sort_findings,
)
from cairo_upgrade_lint.report.fingerprint import line_hashes

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
URI_BASE_IDS = {"root": "%SRCROOT%", "old_root": "OLDROOT"}


def _level_always_written(cls: type) -> type:
    """``cls`` whose ``level`` defaults to None rather than "warning": jschema-to-python drops values
    equal to the default, and a result without ``level`` would inherit its rule's default level."""
    level = attr.fields_dict(cls)["level"]
    return attr.s(type(cls.__name__, (cls,), {"level": attr.ib(default=None, metadata=level.metadata)}))


_Result = _level_always_written(om.Result)
_ReportingConfiguration = _level_always_written(om.ReportingConfiguration)


def render_sarif(findings: list[Finding], context: ReportContext) -> str:
    """A SARIF log with one run, ending with a newline."""
    docs = sorted(context.catalogue.values(), key=lambda d: d.id)
    rule_index = {doc.id: i for i, doc in enumerate(docs)}
    hashes: dict[str, dict[int, str]] = {}
    listed = sort_findings(context.reported(findings), context)
    results = [_result(f, rule_index, hashes, context) for f in listed]
    driver = om.ToolComponent(
        name=TOOL_NAME,
        semantic_version=context.version,
        information_uri=context.information_uri or package_homepage(),
        rules=[_rule(doc) for doc in docs],
    )
    run = om.Run(
        tool=om.Tool(driver=driver),
        automation_details=om.RunAutomationDetails(id=f"{TOOL_NAME}/{context.command}/"),
        original_uri_base_ids=_uri_base_ids(context),
        column_kind="unicodeCodePoints",
        results=results,
        properties=_run_properties(context),
    )
    log = om.SarifLog(version=SARIF_VERSION, schema_uri=SARIF_SCHEMA_URI, runs=[run])
    text: str = to_json(log)  # jschema-to-python has no type hints
    return text + "\n"


def _rule(doc: RuleDoc) -> om.ReportingDescriptor:
    properties: dict[str, object] = {"tags": list(doc.tags), "precision": doc.confidence}
    if "security" in doc.tags and doc.security_severity is not None:
        properties["security-severity"] = doc.security_severity
    return om.ReportingDescriptor(
        id=doc.id,
        name=doc.name,
        short_description=om.MultiformatMessageString(text=doc.summary),
        full_description=om.MultiformatMessageString(text=doc.why),
        help=om.MultiformatMessageString(text=render_text(doc), markdown=render_markdown(doc)),
        default_configuration=_ReportingConfiguration(level=doc.severity.value),
        properties=properties,
    )


def _result(finding: Finding, rule_index: dict[str, int], hashes: dict[str, dict[int, str]], context: ReportContext) -> om.Result:
    related = [
        om.Location(id=i, message=om.Message(text=r.message), physical_location=_physical(r.location, context))
        for i, r in enumerate(finding.related, start=1)
    ]
    fingerprint = _line_hash(finding.location, hashes, context)
    return _Result(
        rule_id=finding.rule_id,
        rule_index=rule_index.get(finding.rule_id, -1),  # -1 (a rule outside the catalogue) is not written
        level=finding.severity.value,
        message=om.Message(text=message_with_fix(finding)),
        locations=[om.Location(physical_location=_physical(finding.location, context))],
        related_locations=related or None,
        partial_fingerprints={"primaryLocationLineHash": fingerprint} if fingerprint else None,
        properties={"confidence": finding.confidence, **dict(sorted(finding.properties.items()))},
        baseline_state=_baseline_state(finding, context),
    )


def _baseline_state(finding: Finding, context: ReportContext) -> str | None:
    """In an old-vs-new comparison: "unchanged" for a finding the old version has too, else "new"."""
    if context.command != "diff":
        return None
    return "unchanged" if context.already_present(finding) else "new"


def _run_properties(context: ReportContext) -> dict[str, object] | None:
    properties: dict[str, object] = {}
    if context.command == "diff":
        properties["alreadyPresentInOld"] = len(context.present)
        if context.old_source is not None:
            properties["old"] = dict(context.old_source)
    if context.skipped_tests:
        properties["testFilesSkipped"] = context.skipped_tests
    if context.dependencies:
        properties["unknownDependencies"] = list(context.dependencies)
    return properties or None


def _physical(location: Location, context: ReportContext) -> om.PhysicalLocation:
    rel = context.relative(location.path)
    if rel.base is None:
        artifact = om.ArtifactLocation(uri=Path(rel.path).as_uri())
    else:
        artifact = om.ArtifactLocation(uri=quote(rel.path, safe="/"), uri_base_id=URI_BASE_IDS[rel.base])
    region = om.Region(
        start_line=location.line,
        start_column=location.column,
        end_line=location.end_line,
        end_column=location.end_column + 1,  # SARIF's end column is exclusive
    )
    return om.PhysicalLocation(artifact_location=artifact, region=region)


def _line_hash(location: Location, hashes: dict[str, dict[int, str]], context: ReportContext) -> str | None:
    if context.relative(location.path).base != "root":
        return None
    if location.path not in hashes:
        text = context.source(location.path)
        hashes[location.path] = {} if text is None else line_hashes(text)
    return hashes[location.path].get(location.line)


def _uri_base_ids(context: ReportContext) -> dict[str, om.ArtifactLocation]:
    bases = {URI_BASE_IDS["root"]: om.ArtifactLocation(uri=_directory_uri(context.root))}
    old = context.old_source
    if old is not None and old.get("kind") == "git":
        # no file system location: the old files were read from git (their URIs are repository-relative)
        text = f"The repository at git reference {old['ref']}: the old version, the one being upgraded from."
        bases[URI_BASE_IDS["old_root"]] = om.ArtifactLocation(description=om.Message(text=text))
    elif old is not None and old.get("path") is not None and (context.old_root is not None or context.old_roots):
        path = old["path"].replace(os.sep, "/")
        folder = path if old.get("kind") == "folder" else os.path.dirname(path)
        text = f"{old['path']}: the old version, the one being upgraded from."
        if os.path.isabs(folder):
            location = om.ArtifactLocation(uri=_directory_uri(folder), description=om.Message(text=text))
        else:
            uri = quote(folder.rstrip("/") + "/", safe="/") if folder not in ("", ".") else "./"
            location = om.ArtifactLocation(uri=uri, uri_base_id=URI_BASE_IDS["root"], description=om.Message(text=text))
        bases[URI_BASE_IDS["old_root"]] = location
    elif context.old_root is not None:
        bases[URI_BASE_IDS["old_root"]] = om.ArtifactLocation(
            uri=_directory_uri(context.old_root),
            description=om.Message(text="The root of the old version, the one being upgraded from."),
        )
    return bases


def _directory_uri(directory: str | os.PathLike[str]) -> str:
    uri = Path(os.path.abspath(directory)).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"
