"""The schedule's records pages: sessions (list, page, forms) and venues (`services.schedule`)."""
