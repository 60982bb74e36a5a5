DROP TABLE certificate_feeds;
DROP TABLE startup_recognitions;
DROP TABLE certificate_standings;
DROP TABLE certificate_reminders;
DROP TABLE certificate_events;
