"""Run the searchkit CLI from a checkout: ``python cli.py search "French instructors"``."""

from searchkit.cli import main

if __name__ == "__main__":
    main()
