DROP INDEX listings_published_pages;
