DROP TABLE schedule_leases;
