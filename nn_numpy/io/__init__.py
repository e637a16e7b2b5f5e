"""Input and output: reading tables, matching columns, the datasets, model files, atomic writes."""
