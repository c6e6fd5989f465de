"""Atiende's rules and the adapters to the services behind them; never imports azure.functions."""
