"""Who may see and change what, for every placements object: one loader per type.

Someone who may not see an object gets 404, exactly as if it did not exist; someone who
may see it but not act gets 403. Views call these loaders; templates get booleans.
"""

# --- Postings (and saved postings / searches) -----------------------------------------

# --- Applications ---------------------------------------------------------------------

# --- Affiliation agreements -----------------------------------------------------------

# --- Notifications --------------------------------------------------------------------
