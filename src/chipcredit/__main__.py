"""``python -m chipcredit``: the same as the ``chipcredit`` command, Ctrl-C while it starts
included (see `chipcredit_launcher`)."""

from chipcredit_launcher import main

if __name__ == "__main__":
    main()
