//! Problems found in input records, reported in English and Arabic.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::record::Record;

/// One broken rule of one record, worded for the people who maintain the
/// sending system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// 1-based line of the input where the record starts; `None` when the
    /// record did not come from a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 0-based position of the record in its batch. [`crate::read_records`]
    /// counts every non-blank JSON line or CSV data row; `None` from
    /// [`crate::validate_value`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The record's `id` as sent (trimmed), when it was a non-empty string,
    /// even if the id itself is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the field, e.g. `name.ar`, `products[2].hs`, `location.lat`.
    /// For a CSV cell it is the column name. Empty when the problem concerns
    /// the whole record or line, such as invalid JSON.
    pub field: String,
    /// English message naming the bad value and the fix.
    pub reason: String,
    /// Modern Standard Arabic message with the same content as `reason`.
    pub reason_ar: String,
}

impl Problem {
    /// Creates a problem that is not yet tied to a line, batch position or id.
    pub fn new(
        field: impl Into<String>,
        reason: impl Into<String>,
        reason_ar: impl Into<String>,
    ) -> Self {
        Problem {
            line: None,
            index: None,
            id: None,
            field: field.into(),
            reason: reason.into(),
            reason_ar: reason_ar.into(),
        }
    }
}

impl fmt::Display for Problem {
    /// Writes the English form, e.g. `line 4 (id SA-1): country: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(id) = &self.id {
                write!(f, " (id {id})")?;
            }
            f.write_str(": ")?;
        } else if let Some(id) = &self.id {
            write!(f, "id {id}: ")?;
        }

        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.reason)
    }
}

/// A record that failed validation, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// 1-based line of the input where the record starts.
    pub line: usize,
    pub problems: Vec<Problem>,
}

/// Splits the output of [`crate::read_records`] into accepted records and
/// rejected ones, keeping input order within each.
pub fn partition_results(
    results: Vec<(usize, Result<Record, Vec<Problem>>)>,
) -> (Vec<Record>, Vec<Rejected>) {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();

    for (line, result) in results {
        match result {
            Ok(record) => accepted.push(record),
            Err(problems) => rejected.push(Rejected { line, problems }),
        }
    }

    (accepted, rejected)
}
