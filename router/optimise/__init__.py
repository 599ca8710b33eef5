"""OR-Tools models over the search's legal paths: shipment split (min-cost flow / MIP), batch
assignment, rail consolidation (train load planning), and their table I/O."""
