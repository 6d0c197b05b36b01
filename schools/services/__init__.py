"""Writes for schools, one module per job: import each service from the module that owns it (`schools` for a
school, its contacts and checklist and the GIAS import; `visits` for visits, their actions, network meetings and
other institutions)."""
