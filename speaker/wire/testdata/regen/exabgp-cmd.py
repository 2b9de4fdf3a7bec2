#!/usr/bin/env python3
"""ExaBGP API helper: copies lines written into a FIFO to ExaBGP (stdout).

regen.sh writes API commands (withdraw, route-refresh, teardown) into the FIFO.
"""
import os
import sys

fifo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cmd.fifo")
while True:
    with open(fifo) as f:
        for line in f:
            line = line.strip()
            if line:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
