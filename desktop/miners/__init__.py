"""Talking to miners: the CGMiner-family JSON client on TCP 4028, reply parsing, the
MinerSource interface and a fake miner for tests and demos. No Qt, no SQL."""
