"""The JSON API under /api/ (same sign-in and roles as the pages), described by OpenAPI."""
