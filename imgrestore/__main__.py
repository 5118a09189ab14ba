"""`python -m imgrestore` runs the CLI."""

from imgrestore.cli.app import main

main()
