"""Forms for schools, one module per job: `schools` for a school, its contacts, checklist, the GIAS upload and
other institutions; `visits` for visits, their actions and network meetings."""
