DROP TABLE review_snapshots;
