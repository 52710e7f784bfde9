"""`python -m gate ...`: see `gate.launch` and `gate.cli`."""

from gate.launch import main

main()
