DROP INDEX matches_connected;
DROP INDEX organizations_created;
DROP INDEX matches_deal_date;
DROP TABLE weekly_summaries;
DROP TABLE tenant_targets;
