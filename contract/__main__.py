"""``python -m contract``: the README's table of stack outputs, rendered from ``contract.outputs``."""

from contract.outputs import markdown_table

print(markdown_table(), end="")
