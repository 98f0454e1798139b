"""The four roles: what access control checks and what every account holds one of."""

ROLES = ("therapist", "trainer", "researcher", "admin")
