DROP INDEX matches_connected;
DROP INDEX audit_log_reviews;
DROP INDEX listings_figures;
DROP INDEX organizations_figures;
DROP INDEX matches_deal_date;
DROP TABLE weekly_summaries;
DROP TABLE tenant_targets;
