"""HTTP plumbing shared by every feature: access control, headers, errors, health."""
