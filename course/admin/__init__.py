"""Administration: accounts, invitations and the audit log."""
