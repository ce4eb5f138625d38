"""``python -m chipcredit``: the same as the ``chipcredit`` command."""

from chipcredit.cli import main

if __name__ == "__main__":
    main()
