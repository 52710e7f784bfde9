"""Tests of the delivery part: CI workflows, the local stack and the pipeline identities."""
