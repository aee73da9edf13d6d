"""The quarter's training plan as a service: shared by ``asn-reco plan`` and ``/api/v1/plans``.

``creation.create_plan`` builds candidates from the served recommender, solves with the exact
optimiser and its baselines, words reasons for the chosen lines and stores a draft;
``drafts`` edits, re-solves and approves drafts; ``sheets`` writes the file HR approves.
"""
