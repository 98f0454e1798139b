"""Research: consent, randomization, the researcher dashboard and pseudonymized exports."""
