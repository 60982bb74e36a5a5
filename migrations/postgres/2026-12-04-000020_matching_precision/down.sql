DROP TABLE vocabulary_terms;
