"""Pure parsers of the workbooks zones imports (no database; the `pure` import contract)."""
