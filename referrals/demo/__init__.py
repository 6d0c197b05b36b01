"""Demo referrals for seed_demo, one module per part: seeding (the step seed_demo calls: the referrals and their
indicators, answers, signposts and timelines), panel_cases (the cases of those sent to a panel) and rows (plain
INSERTs for the big tables).
"""
