"""Sample data sets and a realistic generator of `panel-instance/1` instances."""
