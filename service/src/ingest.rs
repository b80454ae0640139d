//! Writes through the API: batches of records, one record by id, and
//! deletes, under the caller's write rights.
//!
//! A batch is accepted per record, not all-or-nothing: valid records are
//! stored even when others in the same batch are rejected, and each
//! rejected record is reported with its 0-based index, field and reason.
//! Unchanged records (same content hash as stored) are not embedded again.

use std::collections::{HashMap, HashSet};

use gip_indexer::document::keys;
use gip_indexer::pipeline::{IndexOptions, index_items};
use gip_indexer::SearchFilter;
use gip_records::{Problem, Record};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::engine::{EngineError, SearchEngine};

/// Maximum number of records in one `POST /v1/projects` batch.
pub const MAX_BATCH: usize = 1000;

/// Outcome of writing one accepted record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteStatus {
    Created,
    Updated,
    /// The stored record has the same content; nothing was written.
    Unchanged,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptedRecord {
    pub index: usize,
    pub id: String,
    pub status: WriteStatus,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectedItem {
    /// 0-based position in the batch.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<Problem>,
    /// The caller may not write this record (another state's record or id),
    /// as opposed to the record being invalid.
    #[serde(skip)]
    pub forbidden: bool,
}

/// Result of a batch: counts, then every record's outcome.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct BatchOutcome {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub accepted_records: Vec<AcceptedRecord>,
    pub rejected_records: Vec<RejectedItem>,
}

/// Outcome of deleting one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteOutcome {
    Deleted,
    /// No record with this id is visible to the caller.
    NotFound,
    /// The caller sees the record but may not write its state's records.
    Forbidden,
}

fn problem(index: usize, id: Option<&str>, field: &str, reason: String, reason_ar: String) -> Problem {
    let mut problem = Problem::new(field, reason, reason_ar);
    problem.index = Some(index);
    problem.id = id.map(str::to_string);
    problem
}

/// Country and content hash of stored records, read without any access
/// restriction: write checks need the owner of an id even when the caller
/// may not read that record.
fn stored_owners(engine: &SearchEngine, ids: &[String]) -> Result<HashMap<String, (String, String)>, EngineError> {
    let hits = engine.store.get(ids, &SearchFilter::default())?;
    Ok(hits
        .into_iter()
        .map(|hit| {
            let field = |key: &str| hit.payload.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            let owner = (field(keys::COUNTRY), field(keys::CONTENT_HASH));
            (hit.id, owner)
        })
        .collect())
}

/// Validates, checks write rights for, and stores a batch of records.
///
/// The caller must already hold the ingest scope. A member state's key may
/// write only records of its own state, and may not reuse the id of
/// another state's record. NOTE: that rejection tells the caller that the
/// id exists, though not what the record holds.
pub fn write_batch(engine: &SearchEngine, caller: &Caller, values: &[Value]) -> Result<BatchOutcome, EngineError> {
    let mut outcome = BatchOutcome::default();

    // 1. Validate each record; a repeated id is rejected where it repeats.
    let mut first_index: HashMap<String, usize> = HashMap::new();
    let mut valid: Vec<(usize, Record)> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let record = match gip_records::validate_value(value) {
            Ok(record) => record,
            Err(mut problems) => {
                let id = problems.iter().find_map(|p| p.id.clone());
                problems.iter_mut().for_each(|p| p.index = Some(index));
                outcome.rejected_records.push(RejectedItem { index, id, problems, forbidden: false });
                continue;
            }
        };
        if let Some(first) = first_index.get(&record.id) {
            let reason = format!("id {:?} was already used at index {first} of this batch; each record needs its own id", record.id);
            let reason_ar = format!("المعرّف {:?} مستخدم من قبل في الموضع {first} من هذه الدفعة؛ يجب أن يكون لكل سجل معرّف فريد", record.id);
            let problems = vec![problem(index, Some(&record.id), "id", reason, reason_ar)];
            outcome.rejected_records.push(RejectedItem { index, id: Some(record.id), problems, forbidden: false });
            continue;
        }
        first_index.insert(record.id.clone(), index);
        valid.push((index, record));
    }

    // 2. Write rights: the record's state, and the state of the stored
    // record that the id already names.
    let ids: Vec<String> = valid.iter().map(|(_, r)| r.id.clone()).collect();
    let stored = stored_owners(engine, &ids)?;
    let mut accepted: Vec<(usize, Record, WriteStatus)> = Vec::new();
    for (index, record) in valid {
        let country = record.country.code();
        if !caller.may_write_country(country) {
            let own = caller.country().unwrap_or_default();
            let reason = format!("this key belongs to {own} and writes only {own} records; the record's country is {country}");
            let reason_ar = format!("هذا المفتاح تابع لـ {own} ولا يكتب إلا سجلات {own}؛ دولة السجل هي {country}");
            let problems = vec![problem(index, Some(&record.id), "country", reason, reason_ar)];
            outcome.rejected_records.push(RejectedItem { index, id: Some(record.id), problems, forbidden: true });
            continue;
        }
        let status = match stored.get(&record.id) {
            Some((stored_country, _)) if !caller.may_write_country(stored_country) => {
                let reason = format!("id {:?} names a record of another member state; give this record an id of its own", record.id);
                let reason_ar = format!("المعرّف {:?} يخص سجلًا لدولة عضو أخرى؛ أعطِ هذا السجل معرّفًا خاصًا به", record.id);
                let problems = vec![problem(index, Some(&record.id), "id", reason, reason_ar)];
                outcome.rejected_records.push(RejectedItem { index, id: Some(record.id), problems, forbidden: true });
                continue;
            }
            Some((_, hash)) if *hash == record.content_hash() => WriteStatus::Unchanged,
            Some(_) => WriteStatus::Updated,
            None => WriteStatus::Created,
        };
        accepted.push((index, record, status));
    }

    // 3. Store: the pipeline embeds only records whose hash changed.
    let records: Vec<Record> = accepted.iter().map(|(_, r, _)| r.clone()).collect();
    let options = IndexOptions { delete_missing: false, ..Default::default() };
    let counts = index_items(&records, &HashSet::new(), engine.store.as_ref(), engine.embedder.as_ref(), &engine.analyzer, &options, &())?;
    if counts.indexed > 0 {
        engine.filter_cache.clear();
    }

    for (index, record, status) in accepted {
        match status {
            WriteStatus::Created => outcome.created += 1,
            WriteStatus::Updated => outcome.updated += 1,
            WriteStatus::Unchanged => outcome.unchanged += 1,
        }
        outcome.accepted_records.push(AcceptedRecord { index, id: record.id, status });
    }
    outcome.rejected = outcome.rejected_records.len();
    outcome.rejected_records.sort_by_key(|r| r.index);
    Ok(outcome)
}

/// Deletes one record if the caller may write it.
pub fn delete(engine: &SearchEngine, caller: &Caller, id: &str) -> Result<DeleteOutcome, EngineError> {
    let ids = [id.to_string()];
    let Some((country, _)) = stored_owners(engine, &ids)?.remove(id) else {
        return Ok(DeleteOutcome::NotFound);
    };
    if !caller.may_write_country(&country) {
        // A record the caller cannot even read is reported as missing, so
        // deletes cannot probe for hidden records.
        let visible = !engine.store.get(&ids, &caller.read_filter())?.is_empty();
        return Ok(if visible { DeleteOutcome::Forbidden } else { DeleteOutcome::NotFound });
    }
    engine.store.delete(&ids)?;
    engine.store.flush()?;
    engine.filter_cache.clear();
    Ok(DeleteOutcome::Deleted)
}
