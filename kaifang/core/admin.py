"""Django admin registrations of the core app, one module per concern."""

from kaifang.core import admin_reference  # noqa: F401  (registers the dictionaries)
