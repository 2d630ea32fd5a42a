"""Reports: pure renderers for now (plain data in, file bytes out); the reports app comes later."""
