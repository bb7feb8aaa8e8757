"""The command line: argparse commands over the services (exit 0 ok, 2 bad input, 1 unexpected)."""
