"""Allow ``python -m studygen``."""

from studygen.cli import main

main()
