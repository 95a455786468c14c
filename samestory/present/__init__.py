"""present: command line (cli.py) and text reports (report.py), thin layers over the library."""
