"""A book of generated accounts for ``catalog-editor simulate-book``, as JSON Lines.

    .venv/bin/python benchmarks/generate_book.py --catalog CATALOG.json --accounts 100000 \
        --out /tmp/book.jsonl [--seed 1]

Accounts come from ``generate_catalog.generate_accounts`` over the given catalog (1 to 20
Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_catalog import generate_accounts  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", required=True, help="a catalog JSON document")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--out", required=True, help="the JSON Lines file to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    catalog = orjson.loads(Path(args.catalog).read_bytes())
    with open(args.out, "wb") as out:
        done = 0
        while done < args.accounts:
            batch = min(10_000, args.accounts - done)
            for account in generate_accounts(catalog, batch, args.seed + done):
                account["account"]["name"] = f"Account {done:06d}"
                out.write(orjson.dumps(account) + b"\n")
                done += 1
    print(f"wrote {done} accounts to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
