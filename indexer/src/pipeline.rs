//! The indexing run: skip unchanged records, embed and store the rest,
//! optionally delete what the input no longer has.
//!
//! Crash safety: a record is stored with its content hash in one upsert, and
//! point ids derive from record ids. Each batch is flushed before the next,
//! so a run killed at any moment and run again ends with every record
//! stored once.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use gip_analysis::{Analyzer, Bm25};
use gip_models::{TextEmbedder, TextKind};
use gip_records::{Problem, Record};
use serde::Serialize;

use crate::document::{FieldWeights, Indexable, KeywordFields};
use crate::error::Result;
use crate::store::{Store, StoredPoint};

/// Options of one run.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Treat the input as the full set: delete stored records it lacks.
    pub delete_missing: bool,
    /// Records per embedding batch and per upsert.
    pub batch_size: usize,
    pub bm25: Bm25,
    pub field_weights: FieldWeights,
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self { delete_missing: false, batch_size: 32, bm25: Bm25::default(), field_weights: FieldWeights::default() }
    }
}

/// A record that was not indexed, with every problem found in it.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedRecord {
    pub line: usize,
    pub id: Option<String>,
    pub problems: Vec<Problem>,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexSummary {
    pub read: usize,
    pub indexed: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub deleted: usize,
    pub seconds: f64,
    pub rejected_records: Vec<RejectedRecord>,
}

/// Receives progress: `(done, total)` records to embed.
pub trait Progress {
    fn update(&self, done: usize, total: usize);
}

impl Progress for () {
    fn update(&self, _: usize, _: usize) {}
}

/// Indexes parsed input rows `(line, record or problems)` into `store`.
pub fn index_records(
    rows: Vec<(usize, std::result::Result<Record, Vec<Problem>>)>,
    store: &dyn Store,
    embedder: &dyn TextEmbedder,
    analyzer: &Analyzer,
    options: &IndexOptions,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    let mut summary = IndexSummary { read: rows.len(), ..Default::default() };

    // 1. Keep valid records; a repeated id is rejected where it repeats.
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut records = Vec::new();
    for (line, row) in rows {
        match row {
            Ok(record) => {
                if let Some(first) = first_line.get(&record.id) {
                    let problem = Problem::new(
                        "id",
                        format!("id {:?} was already used on line {first}; each record needs its own id", record.id),
                        format!("المعرّف {:?} مستخدم من قبل في السطر {first}؛ يجب أن يكون لكل سجل معرّف فريد", record.id),
                    );
                    summary.rejected_records.push(RejectedRecord { line, id: Some(record.id), problems: vec![problem] });
                    continue;
                }
                first_line.insert(record.id.clone(), line);
                records.push(record);
            }
            Err(problems) => {
                let id = problems.iter().find_map(|p| p.id.clone());
                summary.rejected_records.push(RejectedRecord { line, id, problems });
            }
        }
    }
    summary.rejected = summary.rejected_records.len();

    let present: HashSet<String> = first_line
        .keys()
        .cloned()
        .chain(summary.rejected_records.iter().filter_map(|r| r.id.clone()))
        .collect();
    let counts = index_items(&records, &present, store, embedder, analyzer, options, progress)?;
    summary.indexed = counts.indexed;
    summary.unchanged = counts.unchanged;
    summary.deleted = counts.deleted;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Counts of [`index_items`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemCounts {
    pub indexed: usize,
    pub unchanged: usize,
    pub deleted: usize,
}

/// Stores `items` whose content hash changed. With `options.delete_missing`,
/// deletes stored ids not in `present`.
pub fn index_items<T: Indexable>(
    items: &[T],
    present: &HashSet<String>,
    store: &dyn Store,
    embedder: &dyn TextEmbedder,
    analyzer: &Analyzer,
    options: &IndexOptions,
    progress: &dyn Progress,
) -> Result<ItemCounts> {
    let mut counts = ItemCounts::default();

    // 1. Compare with what is stored.
    let stored = store.stored_states()?;
    let mut changed = Vec::new();
    for item in items {
        match stored.get(item.id()) {
            Some(state) if state.content_hash == item.content_hash() => counts.unchanged += 1,
            _ => changed.push(item),
        }
    }

    // 2. The BM25 average length covers the items that will be stored.
    let fields: Vec<KeywordFields> = changed.iter().map(|r| r.keyword_fields(analyzer, &options.field_weights)).collect();
    let changed_ids: HashSet<&str> = changed.iter().map(|r| r.id()).collect();
    let kept_lengths: f32 = stored
        .iter()
        .filter(|(id, _)| !changed_ids.contains(id.as_str()))
        .map(|(_, s)| s.keyword_length)
        .sum();
    let kept = stored.keys().filter(|id| !changed_ids.contains(id.as_str())).count();
    let new_lengths: f32 = fields.iter().map(KeywordFields::weighted_length).sum();
    let total = kept + changed.len();
    let avg_len = if total == 0 { 1.0 } else { ((kept_lengths + new_lengths) / total as f32).max(1.0) };

    // 3. Embed and store in batches.
    let batch_size = options.batch_size.max(1);
    for (index, batch) in changed.chunks(batch_size).enumerate() {
        let start = index * batch_size;
        let _span = tracing::info_span!("index_batch", start, items = batch.len()).entered();
        let passages: Vec<String> = batch.iter().map(|item| item.passage_text()).collect();
        let refs: Vec<&str> = passages.iter().map(String::as_str).collect();
        let vectors = embedder.embed(&refs, TextKind::Passage)?;

        let points = batch
            .iter()
            .zip(vectors)
            .zip(&fields[start..start + batch.len()])
            .map(|((item, dense), kw)| StoredPoint {
                id: item.id().to_string(),
                dense,
                sparse: options.bm25.document(&kw.as_refs(), avg_len),
                payload: item.payload(kw.weighted_length()),
            })
            .collect();
        store.upsert(points)?;
        // Each batch is durable before the next is embedded, so a killed run
        // keeps what it reported as indexed.
        store.flush()?;
        counts.indexed += batch.len();
        progress.update(counts.indexed, changed.len());
    }

    // 4. The input is the full set: remove what it no longer has. Rejected
    // rows count as present, so a typo never deletes a stored record.
    if options.delete_missing {
        let missing: Vec<String> = stored.keys().filter(|id| !present.contains(*id)).cloned().collect();
        store.delete(&missing)?;
        counts.deleted = missing.len();
    }

    store.flush()?;
    Ok(counts)
}
