"""Offline preflight: run the program under Pulumi's mock engine and ask the real policy pack about it."""
