"""Pure renderers: plain data in, bytes out. No ORM, no request (STYLE.md §13)."""
