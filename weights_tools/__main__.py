"""`python -m weights_tools` runs the CLI."""

from weights_tools.cli import main

main()
