"""Background work: one APScheduler process running module-level job functions that call services."""
