"""Dates of the legal texts, for the pages that show them and for the apps that record which version
someone agreed to (registrations and the back office store the privacy notice's version with a consent)."""

# Bump whenever the privacy notice changes in substance.
PRIVACY_NOTICE_VERSION = "2026-11-26"
ACCESSIBILITY_STATEMENT_PREPARED = "2026-11-26"
