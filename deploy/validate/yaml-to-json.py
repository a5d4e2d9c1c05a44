#!/usr/bin/env python3
"""Converts a rendered multi-document YAML stream to one JSON array (for the C# test, which
has no YAML parser among the packages this repository references). usage: IN.yaml OUT.json"""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    docs = [d for d in yaml.safe_load_all(f) if d is not None]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(docs, f, indent=1)
