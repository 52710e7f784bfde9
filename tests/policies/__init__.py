"""Tests of the cognito-guard policy pack (rules, protocol, corpus, catalog)."""
