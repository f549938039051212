"""Run the command line as ``python -m u4ssc``."""

from u4ssc.cli import main

main()
