"""Rail consolidation (train load planning): containers x departures x wagon slots."""
