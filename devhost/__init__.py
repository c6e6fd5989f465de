"""Runs the function app and the Static Web App on one machine, without Functions Core Tools."""
