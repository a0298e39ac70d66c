"""Allow ``python -m studygen``."""

from studygen.cli import main

if __name__ == "__main__":  # not when a worker process started afresh imports this module
    main()
