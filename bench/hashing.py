"""CPU cost of one login's password hashing: the configured default against PBKDF2.

    python bench/hashing.py            # 20 hashes each
    python bench/hashing.py --rounds 50

A login verifies one password: one hash. This measures time.process_time() (CPU of this
process, so other tenants of the machine count less than in wall time) over N hashes with
each hasher, and prints the mean per hash. No database, no server.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cpu_per_hash(hasher, rounds, password="load-test-pupil-1936"):
    salt = hasher.salt()
    hasher.encode(password, salt)  # warm-up
    started = time.process_time()
    for _ in range(rounds):
        hasher.encode(password, salt)
    return (time.process_time() - started) / rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purgeclass.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher

    default = get_hasher("default")
    rows = [
        (f"{type(default).__name__} (default)", default),
        ("PBKDF2PasswordHasher (Django 5.2's default)", PBKDF2PasswordHasher()),
    ]
    print(f"CPU per hash over {args.rounds} hashes; load average {os.getloadavg()[0]:.1f}")
    print("| hasher | parameters | CPU ms per login |\n| --- | --- | ---: |")
    results = []
    for name, hasher in rows:
        seconds = cpu_per_hash(hasher, args.rounds)
        results.append(seconds)
        params = (
            f"m={hasher.memory_cost} KiB, t={hasher.time_cost}, p={hasher.parallelism}"
            if hasattr(hasher, "memory_cost")
            else f"{hasher.iterations:,} iterations"
        )
        print(f"| {name} | {params} | {seconds * 1000:.1f} |")
    print(f"PBKDF2 ÷ default: {results[1] / results[0]:.1f}×")


if __name__ == "__main__":
    main()
