"""Accounts, roles, sign-in, invitations and password resets."""
