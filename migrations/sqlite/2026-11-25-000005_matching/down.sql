DROP TABLE saved_search_hits;
DROP TABLE saved_searches;
DROP TABLE notification_preferences;
DROP TABLE notifications;
DROP TABLE matches;
