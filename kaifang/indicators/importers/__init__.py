"""Pure importers of indicators: files in, rows and row-level errors out; no models."""
