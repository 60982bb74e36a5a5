DROP TABLE index_positions;
DROP TABLE index_changes;
DROP TABLE schedule_leases;
