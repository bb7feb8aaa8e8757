"""Hashplan: plan and track Bitcoin-miner deployments per data center."""

__version__ = "0.1.0"
