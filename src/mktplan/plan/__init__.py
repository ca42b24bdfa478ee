"""Plans: the YAML loader with line marks, the models, the rules, and the plan cache."""

# A plan file larger than this is refused before it is read (a plan of 2,000 KPIs is 0.3 MB).
MAX_PLAN_BYTES = 20 * 1024 * 1024
