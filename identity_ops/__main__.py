"""``python -m identity_ops`` is the same as the ``identity-ops`` console script."""

from identity_ops.cli import main

if __name__ == "__main__":
    main()
