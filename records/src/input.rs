//! Reading record files: JSON Lines or CSV, detected or given.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::csv_input;
use crate::messages;
use crate::problem::Problem;
use crate::record::Record;
use crate::validate::validate_value;

/// UTF-8 byte order mark, allowed at the start of any input.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Format of a record file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object per line.
    JsonLines,
    /// A header row of field paths, then one record per row (RFC 4180).
    Csv,
}

impl InputFormat {
    /// Picks the format from a file extension, case-insensitively:
    /// `.jsonl` and `.ndjson` are JSON Lines and `.csv` is CSV. Returns
    /// `None` for any other extension, so the caller can sniff the content.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();

        match extension.as_str() {
            "jsonl" | "ndjson" => Some(InputFormat::JsonLines),
            "csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }
}

/// Failure that stops a whole input from being read. Problems of single
/// records are not errors: they come back as `Err` items of the result.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("failed to open {path}: {source}; check the path and its read permission")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("failed to read the input: {0}")]
    Read(#[source] std::io::Error),

    #[error(
        "the input is a JSON array, which is not supported; write one JSON object per line (JSON Lines)"
    )]
    JsonArray,

    #[error("the CSV header has unknown columns {}; rename or remove them (allowed columns: {})", quoted_list(columns), csv_input::COLUMNS.join(","))]
    UnknownColumns { columns: Vec<String> },

    #[error(
        "the CSV header lacks the required columns {}; add them",
        quoted_list(columns)
    )]
    MissingColumns { columns: Vec<String> },

    #[error(
        "the CSV header repeats the columns {}; keep one of each",
        quoted_list(columns)
    )]
    DuplicateColumns { columns: Vec<String> },

    #[error("the CSV header is not valid UTF-8 in column {column}; save the file as UTF-8")]
    HeaderNotUtf8 { column: usize },

    #[error("failed to parse the CSV input: {0}")]
    Csv(#[from] csv::Error),
}

impl InputError {
    /// Returns the message in Modern Standard Arabic, with the same content
    /// as the English `Display`.
    pub fn message_ar(&self) -> String {
        match self {
            InputError::Open { path, source } => format!(
                "تعذّر فتح الملف {}: {source}؛ تحقّق من المسار ومن صلاحية القراءة",
                path.display()
            ),
            InputError::Read(source) => format!("تعذّرت قراءة المدخلات: {source}"),
            InputError::JsonArray => {
                "المدخلات مصفوفة JSON، وهذا غير مدعوم؛ اكتب كائن JSON واحدًا في كل سطر (JSON Lines)"
                    .to_string()
            }
            InputError::UnknownColumns { columns } => format!(
                "يحتوي صف العناوين في ملف CSV على أعمدة غير معروفة {}؛ أعد تسميتها أو احذفها (الأعمدة المسموح بها: {})",
                quoted_list(columns),
                csv_input::COLUMNS.join(",")
            ),
            InputError::MissingColumns { columns } => {
                format!(
                    "ينقص صف العناوين في ملف CSV الأعمدةُ المطلوبة {}؛ أضفها",
                    quoted_list(columns)
                )
            }
            InputError::DuplicateColumns { columns } => {
                format!(
                    "يكرر صف العناوين في ملف CSV الأعمدة {}؛ أبقِ عمودًا واحدًا من كل منها",
                    quoted_list(columns)
                )
            }
            InputError::HeaderNotUtf8 { column } => format!(
                "صف العناوين في ملف CSV ليس نصًا صالحًا بترميز UTF-8 في العمود {column}؛ احفظ الملف بترميز UTF-8"
            ),
            InputError::Csv(source) => format!("تعذّر تحليل ملف CSV: {source}"),
        }
    }
}

/// Quotes and joins column names, e.g. `"name.fr", "type"`.
fn quoted_list(columns: &[String]) -> String {
    let quoted: Vec<String> = columns
        .iter()
        .map(|column| messages::quote(column))
        .collect();
    quoted.join(", ")
}

/// One input record: the 1-based line where it starts, and the record or
/// every problem found in it.
pub type RecordResult = (usize, Result<Record, Vec<Problem>>);

/// Reads and validates every record of a JSON Lines or CSV input.
///
/// The input is UTF-8 and may start with a byte order mark. Without a
/// `format`, the first non-blank character decides: `{` means JSON Lines,
/// `[` is rejected as a JSON array, and anything else is read as CSV.
/// Blank lines (and CSV rows whose cells are all blank) are skipped; LF and
/// CRLF line endings both work. An empty input gives an empty list.
///
/// Each item is checked with [`validate_value`], after CSV rows are converted
/// to the JSON shape. A line that is not valid JSON or not UTF-8 yields one
/// problem naming the line. A record whose id already appeared on an earlier
/// line is rejected as a duplicate, even if the earlier record was itself
/// rejected. Every problem carries the record's line and its 0-based index
/// among the records of the input.
///
/// Returns `Err` only when the whole input is unusable: a read failure, a
/// JSON array, or a CSV header with unknown, missing or repeated columns.
///
/// NOTE: the whole input is held in memory, with the records built from it.
pub fn read_records(
    mut reader: impl Read,
    format: Option<InputFormat>,
) -> Result<Vec<RecordResult>, InputError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(InputError::Read)?;
    let content = bytes.strip_prefix(BOM).unwrap_or(&bytes);

    let Some(&first) = content.iter().find(|byte| !byte.is_ascii_whitespace()) else {
        return Ok(Vec::new());
    };
    let format = match format {
        Some(format) => format,
        None if first == b'{' => InputFormat::JsonLines,
        None if first == b'[' => return Err(InputError::JsonArray),
        None => InputFormat::Csv,
    };

    let mut results = match format {
        InputFormat::JsonLines => read_json_lines(content),
        InputFormat::Csv => csv_input::read_csv(content)?,
    };

    reject_duplicate_ids(&mut results);
    for (index, (line, result)) in results.iter_mut().enumerate() {
        if let Err(problems) = result {
            for problem in problems {
                problem.line = Some(*line);
                problem.index = Some(index);
            }
        }
    }

    Ok(results)
}

/// Opens `path` and reads it with [`read_records`], taking the format from
/// the extension (see [`InputFormat::from_path`]) or else from the content.
pub fn read_file(path: &Path) -> Result<Vec<RecordResult>, InputError> {
    let file = File::open(path).map_err(|source| InputError::Open {
        path: path.to_path_buf(),
        source,
    })?;

    read_records(std::io::BufReader::new(file), InputFormat::from_path(path))
}

fn read_json_lines(content: &[u8]) -> Vec<RecordResult> {
    let mut results = Vec::new();

    for (offset, raw_line) in content.split(|&byte| byte == b'\n').enumerate() {
        let line = offset + 1;
        let raw_line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
        if raw_line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }

        let text = match std::str::from_utf8(raw_line) {
            Ok(text) => text,
            Err(error) => {
                let problem = messages::invalid_utf8("", line, error.valid_up_to() + 1);
                results.push((line, Err(vec![problem])));
                continue;
            }
        };

        let result = match serde_json::from_str::<Value>(text) {
            Ok(value) => validate_value(&value),
            Err(error) => Err(vec![json_problem(text, line, &error)]),
        };
        results.push((line, result));
    }

    results
}

/// Words a JSON syntax error, with the column counted in characters (serde_json
/// counts bytes, which differ from what an editor shows for Arabic text).
fn json_problem(text: &str, line: usize, error: &serde_json::Error) -> Problem {
    let byte_column = error.column();
    let char_column = text
        .char_indices()
        .take_while(|&(start, _)| start < byte_column.saturating_sub(1))
        .count()
        + 1;

    // serde_json appends " at line L column C", which would name the wrong
    // line because each line is parsed on its own.
    let full = error.to_string();
    let description = full
        .rfind(" at line ")
        .map_or(full.as_str(), |end| &full[..end]);

    messages::invalid_json(line, char_column, description)
}

/// Replaces each record whose id already appeared with a duplicate problem,
/// or adds that problem to a rejected record.
fn reject_duplicate_ids(results: &mut [RecordResult]) {
    let mut first_lines: HashMap<String, usize> = HashMap::new();

    for (line, result) in results.iter_mut() {
        let id = match result {
            Ok(record) => Some(record.id.clone()),
            Err(problems) => problems.iter().find_map(|problem| problem.id.clone()),
        };
        let Some(id) = id else {
            continue;
        };

        match first_lines.get(&id) {
            None => {
                first_lines.insert(id, *line);
            }
            Some(&first_line) => {
                let mut problem = messages::duplicate_id(&id, first_line);
                problem.id = Some(id);
                match result {
                    Ok(_) => *result = Err(vec![problem]),
                    Err(problems) => problems.push(problem),
                }
            }
        }
    }
}
