-- Timed work is done once per tick across instances: the instance that moves
-- held_until forward does it.
CREATE TABLE schedule_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    held_until TIMESTAMP NOT NULL
);
INSERT INTO schedule_leases (name, holder, held_until) VALUES ('timed_work', '', '1970-01-01 00:00:00');
