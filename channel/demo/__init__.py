"""Demo panels, members, meetings and the detail of cases for seed_demo, one module per part: seeding (the steps
seed_demo calls), people (the panels' chairs and members), cases (each case's plan and its records) and meetings
(meetings, agendas, attendance and actions).
"""

BATCH = 2000  # rows per bulk_create or bulk_update
