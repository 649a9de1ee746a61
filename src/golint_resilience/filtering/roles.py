"""Roles in the filter stage: findings get their package's role, and those not reported are left out.

Roles themselves are facts (analysis/roles.py); this module only applies the selection
(`--include-roles`, `--all-roles`, the patterns a user named, each rule's `applies-to`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from golint_resilience.analysis.roles import (
    PRODUCTION_ROLES,
    TEST_SUPPORT,
    RoleSelection,
    directory_role,
    named_explicitly,
)
from golint_resilience.catalog.specs import load_catalog
from golint_resilience.golang.discover import PackageDir
from golint_resilience.model import Finding, PackageRole


@dataclass
class RoleFiltered:
    """The findings a selection reports, and what it left out (counted by role)."""

    findings: list[Finding] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # role → findings
    packages_left_out: dict[str, int] = field(default_factory=dict)  # role → packages


def by_role(
    findings: list[Finding],
    roles: Mapping[str, PackageRole],
    directories: list[PackageDir],
    selection: RoleSelection,
) -> RoleFiltered:
    """Each finding with its package's role, less those the selection does not report."""
    catalog = load_catalog()
    own = {os.path.abspath(d.path): d.named for d in directories}
    bases = {d.named for d in directories if d.named is not None}

    def named(directory: str) -> list[Path]:
        """What patterns name at or above a directory: its own base, else (deployment files) all above."""
        base = own.get(directory)
        return [base] if base is not None else [b for b in bases if Path(directory).is_relative_to(b)]

    result = RoleFiltered()
    for directory, package in roles.items():
        if not selection.includes(package.role, named=named_explicitly(named(directory), package)):
            result.packages_left_out[package.role] = result.packages_left_out.get(package.role, 0) + 1
    for finding in findings:
        directory, name = os.path.split(os.path.abspath(finding.path))
        found = roles.get(directory) or directory_role(directory)
        if found is None:  # a deployment file outside conventionally named directories
            result.findings.append(finding)
            continue
        role, _evidence = found.role_of(name)
        if finding.used_only_by_tests and role in PRODUCTION_ROLES:
            role = TEST_SUPPORT  # a function only tests can call is test support where it is
        spec = catalog.get(finding.rule_id)
        applies_to = spec.applies_to if spec is not None else ()
        if finding.unless_served and found.served:
            reported = selection.asks_for(role)  # policy, whatever the patterns name
        else:
            reported = selection.reports(role, applies_to, named=named_explicitly(named(directory), found))
        if reported:
            result.findings.append(dataclasses.replace(finding, role=role))
        else:
            result.left_out[role] = result.left_out.get(role, 0) + 1
    return result
