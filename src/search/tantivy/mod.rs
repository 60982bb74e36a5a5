//! The embedded engine: a tantivy index in a folder under the data directory. The folder
//! in use is named in `CURRENT`; a rebuild fills a new folder and then switches to it.

pub mod query;
pub mod schema;
mod scope;
pub mod searching;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;
use tantivy::directory::{Advice, MmapDirectory};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use self::schema::{Fields, VariantPhrases};
use self::scope::{FilterSets, Scope};
use super::{Filters, ListingDoc, Rebuild, SearchEngine, SearchError, SearchQuery, SearchResults};
use crate::vocabulary::Vocabulary;

const CURRENT: &str = "CURRENT";

fn engine_error(error: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(error.to_string())
}

/// One open index: its reader for searches and its writer for changes.
struct Live {
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
    /// What of the vocabulary the documents are indexed with, and its version.
    phrases: VariantPhrases,
    vocabulary: String,
    folder: PathBuf,
    /// The change-log position of the last commit (its payload).
    position: Mutex<Option<i64>>,
    filter_sets: FilterSets,
}

/// What a commit carries besides documents.
#[derive(serde::Serialize, serde::Deserialize)]
struct CommitPayload {
    position: Option<i64>,
    /// The vocabulary version the documents' variant phrases were found with.
    #[serde(default)]
    vocabulary: Option<String>,
}

impl Live {
    fn open(folder: &Path, writer_memory: usize, create: bool, vocabulary: &Vocabulary) -> Result<Live, SearchError> {
        if create {
            std::fs::create_dir_all(folder).map_err(engine_error)?;
        }
        // Searches read scattered pages (a block of postings here, a stored card there):
        // the kernel is told not to read ahead, so that the index's pages in memory are the
        // ones searches use, not their neighbours.
        let directory = MmapDirectory::open_with_madvice(folder, Advice::Random).map_err(engine_error)?;
        let index = if create {
            Index::create(directory, schema::build().0, tantivy::IndexSettings::default()).map_err(engine_error)?
        } else {
            Index::open(directory).map_err(engine_error)?
        };
        schema::register_analyzers(&index);
        // A field this version needs is missing: the index is from an earlier version.
        let fields = schema::fields_of(&index.schema()).map_err(|_| SearchError::Outdated)?;
        let writer = index.writer(writer_memory).map_err(|error| match error {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked,
            other => engine_error(other),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(engine_error)?;
        let payload = index
            .load_metas()
            .map_err(engine_error)?
            .payload
            .and_then(|payload| serde_json::from_str::<CommitPayload>(&payload).ok());
        // Documents indexed with another vocabulary hold other phrases.
        let indexed_with = payload.as_ref().and_then(|p| p.vocabulary.as_deref());
        if !create && indexed_with.is_some_and(|version| version != vocabulary.version()) {
            return Err(SearchError::Outdated);
        }
        Ok(Live {
            reader,
            writer: Mutex::new(writer),
            fields,
            phrases: VariantPhrases::of(vocabulary),
            vocabulary: vocabulary.version().to_owned(),
            folder: folder.to_path_buf(),
            position: Mutex::new(payload.and_then(|p| p.position)),
            filter_sets: FilterSets::default(),
        })
    }

    /// What a search with these filters may find in this searcher's documents.
    fn scope(&self, searcher: &Searcher, filters: &Filters) -> Result<Scope, SearchError> {
        self.filter_sets.scope(searcher, &self.fields, filters)
    }

    fn apply(&self, docs: &[ListingDoc], removed: &[String], position: Option<i64>) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| engine_error("index writer poisoned"))?;
        for id in removed.iter().chain(docs.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        for doc in docs {
            writer.add_document(schema::document(&self.fields, &self.phrases, doc)).map_err(engine_error)?;
        }
        self.commit(&mut writer, position)?;
        drop(writer);
        self.reader.reload().map_err(engine_error)
    }

    /// Commits, carrying the new position (or the last one: every commit replaces the
    /// payload).
    fn commit(&self, writer: &mut IndexWriter<TantivyDocument>, position: Option<i64>) -> Result<(), SearchError> {
        let mut kept = self.position.lock().map_err(|_| engine_error("index position poisoned"))?;
        let position = position.or(*kept);
        let mut commit = writer.prepare_commit().map_err(engine_error)?;
        let payload = CommitPayload { position, vocabulary: Some(self.vocabulary.clone()) };
        commit.set_payload(&serde_json::to_string(&payload).map_err(engine_error)?);
        commit.commit().map_err(engine_error)?;
        *kept = position;
        Ok(())
    }
}

pub struct TantivyEngine {
    root: PathBuf,
    writer_memory: usize,
    live: Arc<RwLock<Arc<Live>>>,
    vocabulary: Arc<Vocabulary>,
    /// Moves on with every change that searches can see.
    generation: Arc<AtomicU64>,
}

impl TantivyEngine {
    /// Opens the index named in `<root>/CURRENT`, or creates an empty one. Queries are
    /// expanded with the vocabulary's variants.
    pub async fn open(
        root: PathBuf,
        writer_memory_mb: usize,
        vocabulary: Arc<Vocabulary>,
    ) -> Result<TantivyEngine, SearchError> {
        let writer_memory = writer_memory_mb.max(15) * 1_000_000;
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&root).map_err(engine_error)?;
            let live = match std::fs::read_to_string(root.join(CURRENT)) {
                Ok(name) if root.join(name.trim()).join("meta.json").exists() => {
                    match Live::open(&root.join(name.trim()), writer_memory, false, &vocabulary) {
                        Err(SearchError::Outdated) => {
                            // An empty index that has never followed the change log: the
                            // follower builds it from the database before following.
                            tracing::warn!("the search index was written by an earlier version: building a new one");
                            let live = fresh(&root, writer_memory, &vocabulary)?;
                            let _ = std::fs::remove_dir_all(root.join(name.trim()));
                            live
                        }
                        opened => opened?,
                    }
                }
                _ => fresh(&root, writer_memory, &vocabulary)?,
            };
            Ok(TantivyEngine {
                root,
                writer_memory,
                live: Arc::new(RwLock::new(Arc::new(live))),
                vocabulary,
                generation: Arc::default(),
            })
        })
        .await
        .map_err(engine_error)?
    }

    fn live(&self) -> Result<Arc<Live>, SearchError> {
        self.live.read().map(|live| live.clone()).map_err(|_| engine_error("index handle poisoned"))
    }
}

/// A new, empty index folder, named in `CURRENT`.
fn fresh(root: &Path, writer_memory: usize, vocabulary: &Vocabulary) -> Result<Live, SearchError> {
    let name = new_folder_name();
    let live = Live::open(&root.join(&name), writer_memory, true, vocabulary)?;
    write_current(root, &name)?;
    Ok(live)
}

fn new_folder_name() -> String {
    format!("listings-{}", uuid::Uuid::now_v7().simple())
}

/// Names the folder in use; written to a temporary file first so that a crash leaves
/// either the old name or the new one.
fn write_current(root: &Path, name: &str) -> Result<(), SearchError> {
    let partial = root.join(format!("{CURRENT}.partial"));
    std::fs::write(&partial, name).map_err(engine_error)?;
    std::fs::rename(&partial, root.join(CURRENT)).map_err(engine_error)
}

#[async_trait]
impl SearchEngine for TantivyEngine {
    fn name(&self) -> &'static str {
        "tantivy"
    }

    fn is_shared(&self) -> bool {
        false
    }

    async fn position(&self) -> Result<Option<i64>, SearchError> {
        let live = self.live()?;
        let position = *live.position.lock().map_err(|_| engine_error("index position poisoned"))?;
        Ok(position)
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    async fn apply(&self, docs: Vec<ListingDoc>, removed: Vec<String>, position: i64) -> Result<(), SearchError> {
        let live = self.live()?;
        let applied = tokio::task::spawn_blocking(move || live.apply(&docs, &removed, Some(position)))
            .await
            .map_err(engine_error);
        self.generation.fetch_add(1, Ordering::AcqRel);
        applied?
    }

    async fn upsert(&self, docs: Vec<ListingDoc>) -> Result<(), SearchError> {
        let live = self.live()?;
        let applied = tokio::task::spawn_blocking(move || live.apply(&docs, &[], None)).await.map_err(engine_error);
        self.generation.fetch_add(1, Ordering::AcqRel);
        applied?
    }

    async fn remove(&self, ids: Vec<String>) -> Result<(), SearchError> {
        let live = self.live()?;
        let applied = tokio::task::spawn_blocking(move || live.apply(&[], &ids, None)).await.map_err(engine_error);
        self.generation.fetch_add(1, Ordering::AcqRel);
        applied?
    }

    async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let live = self.live()?;
        let vocabulary = self.vocabulary.clone();
        tokio::task::spawn_blocking(move || searching::search(&live, &vocabulary, &query))
            .await
            .map_err(engine_error)?
    }

    async fn count(&self) -> Result<u64, SearchError> {
        Ok(self.live()?.reader.searcher().num_docs())
    }

    async fn start_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let name = new_folder_name();
        let folder = self.root.join(&name);
        let memory = self.writer_memory.max(100_000_000);
        let vocabulary = self.vocabulary.clone();
        let fresh = tokio::task::spawn_blocking(move || Live::open(&folder, memory, true, &vocabulary))
            .await
            .map_err(engine_error)??;
        Ok(Box::new(TantivyRebuild {
            live: self.live.clone(),
            root: self.root.clone(),
            fresh: Arc::new(fresh),
            name,
            position: None,
            generation: self.generation.clone(),
        }))
    }
}

/// A rebuild writes into its own folder; `finish` makes it the live index and deletes
/// the old folder.
struct TantivyRebuild {
    live: Arc<RwLock<Arc<Live>>>,
    root: PathBuf,
    fresh: Arc<Live>,
    name: String,
    position: Option<i64>,
    generation: Arc<AtomicU64>,
}

#[async_trait]
impl Rebuild for TantivyRebuild {
    async fn add(&mut self, docs: Vec<ListingDoc>) -> Result<(), SearchError> {
        let fresh = self.fresh.clone();
        tokio::task::spawn_blocking(move || {
            let writer = fresh.writer.lock().map_err(|_| engine_error("index writer poisoned"))?;
            for doc in &docs {
                writer.add_document(schema::document(&fresh.fields, &fresh.phrases, doc)).map_err(engine_error)?;
            }
            Ok(())
        })
        .await
        .map_err(engine_error)?
    }

    fn start_from(&mut self, position: i64) {
        self.position = Some(position);
    }

    async fn finish(self: Box<Self>) -> Result<(), SearchError> {
        let TantivyRebuild { live, root, fresh, name, position, generation } = *self;
        tokio::task::spawn_blocking(move || {
            {
                let mut writer = fresh.writer.lock().map_err(|_| engine_error("index writer poisoned"))?;
                fresh.commit(&mut writer, position)?;
            }
            fresh.reader.reload().map_err(engine_error)?;
            write_current(&root, &name)?;
            let old = {
                let mut current = live.write().map_err(|_| engine_error("index handle poisoned"))?;
                std::mem::replace(&mut *current, fresh)
            };
            generation.fetch_add(1, Ordering::AcqRel);
            let old_folder = old.folder.clone();
            drop(old);
            // Searches still holding the old index keep their memory maps; on Unix the
            // files stay readable until then.
            if let Err(error) = std::fs::remove_dir_all(&old_folder) {
                tracing::warn!(folder = %old_folder.display(), %error, "could not delete the previous index");
            }
            remove_strays(&root, &name);
            Ok(())
        })
        .await
        .map_err(engine_error)?
    }
}

/// Deletes index folders left by interrupted rebuilds.
fn remove_strays(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("listings-") && name != keep && entry.path().is_dir() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_index_of_an_earlier_version_is_replaced_by_an_empty_one() {
        let root = tempfile::tempdir().unwrap();
        // An index with a field this version no longer has, and one document.
        let mut builder = tantivy::schema::Schema::builder();
        let id = builder.add_text_field("id", tantivy::schema::STRING | tantivy::schema::STORED);
        builder.add_i64_field("published_at", tantivy::schema::INDEXED);
        let old = root.path().join("listings-old");
        std::fs::create_dir_all(&old).unwrap();
        let index = Index::create_in_dir(&old, builder.build()).unwrap();
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(id, "l1");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        drop(writer);
        write_current(root.path(), "listings-old").unwrap();

        let engine = TantivyEngine::open(root.path().to_path_buf(), 15, Arc::default()).await.unwrap();
        assert_eq!(engine.count().await.unwrap(), 0);
        // It has never followed the change log, so the follower builds it first.
        assert_eq!(engine.position().await.unwrap(), None);
        assert!(!old.exists(), "the outdated folder is removed");
    }

    #[tokio::test]
    async fn an_index_made_with_another_vocabulary_is_replaced_by_an_empty_one() {
        let root = tempfile::tempdir().unwrap();
        let vocabulary = |version: &str| Arc::new(Vocabulary::new(version, Vec::new()));
        let doc = ListingDoc::with_text("l1", "Phân hữu cơ", "", "");
        let engine = TantivyEngine::open(root.path().to_path_buf(), 15, vocabulary("2026.1")).await.unwrap();
        engine.apply(vec![doc], Vec::new(), 7).await.unwrap();
        drop(engine);

        let same = TantivyEngine::open(root.path().to_path_buf(), 15, vocabulary("2026.1")).await.unwrap();
        assert_eq!((same.count().await.unwrap(), same.position().await.unwrap()), (1, Some(7)));
        drop(same);
        let other = TantivyEngine::open(root.path().to_path_buf(), 15, vocabulary("2026.2")).await.unwrap();
        assert_eq!((other.count().await.unwrap(), other.position().await.unwrap()), (0, None));
    }
}
