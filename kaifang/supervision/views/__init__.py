"""Thin views of 督查督办: fetch through the scope gate, validate with a form, call one action."""
