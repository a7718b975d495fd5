"""How the stack's settings become components, one module per area of the platform; ``__main__.py`` composes them."""
