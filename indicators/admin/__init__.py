"""DP3AKB's admin: review submissions, preview evidence, import and export, official results.

Importing the modules registers their admins; every one is scoped to the user's regions.
"""

from indicators.admin import packs, reference, scoping, submissions  # noqa: F401
