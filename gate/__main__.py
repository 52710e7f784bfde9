"""`python -m gate ...`: see `gate.cli`."""

from gate.cli import main

main()
