"""Tests of the Pulumi program, its components and its stack settings (issue 2)."""
