"""The commands of the ``searchkit`` CLI, grouped by what they do; ``searchkit.cli`` puts
them together. Each command parses its options, calls the library once or twice and
renders the result; errors become exit codes in one place, ``cli.SearchkitGroup``."""
