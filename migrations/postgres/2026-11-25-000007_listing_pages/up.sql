-- Exports and reindexing page through public listings in id order; without this index
-- SQLite picks a status index and sorts every published listing for each page.
CREATE INDEX listings_published_pages ON listings (status, id);
