"""Password hashing: Argon2id at OWASP's minimum parameters.

Django 5.2's default, PBKDF2-SHA256 with 1,000,000 iterations, costs about 0.19 s of CPU
per login on the 2-core server (docs/benchmarks.md, `bench/hashing.py`): a class logging in
at once spent half the server's CPU on it. Argon2id is memory-hard (guessing on GPUs gains
far less than against PBKDF2), and at the parameters OWASP lists as equivalent to PBKDF2's
it costs about a tenth of the CPU.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB of
    memory, 2 passes, 1 lane. Django's own parameters (100 MiB, 8 lanes) cost several times
    more CPU per login on a small server without being needed at this memory cost.

    The algorithm name stays "argon2", so hashes made with other Argon2 parameters still
    verify; `must_update` compares the parameters, so they are re-hashed at the next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
