//! The CSV form of schema v1: each row is converted to the JSON shape and
//! checked by the same validator as JSON Lines.

use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use crate::input::{InputError, RecordResult};
use crate::messages;
use crate::problem::Problem;
use crate::validate::{contains_arabic, validate_value};

/// Allowed header columns: the JSON path of each field, in schema order.
pub const COLUMNS: [&str; 27] = [
    "id",
    "country",
    "name.ar",
    "name.en",
    "description.ar",
    "description.en",
    "sector.isic",
    "products",
    "status",
    "city.ar",
    "city.en",
    "zone.ar",
    "zone.en",
    "location.lat",
    "location.lon",
    "investment.amount",
    "investment.currency",
    "capacity.value",
    "capacity.unit",
    "employment",
    "start_year",
    "completion_year",
    "owner.ar",
    "owner.en",
    "source",
    "visibility",
    "updated_at",
];

/// Columns every header needs; `name` also needs `name.ar` or `name.en`.
const REQUIRED_COLUMNS: [&str; 4] = ["id", "country", "sector.isic", "status"];

/// Columns whose cells become JSON numbers.
const NUMBER_COLUMNS: [&str; 7] = [
    "location.lat",
    "location.lon",
    "investment.amount",
    "capacity.value",
    "employment",
    "start_year",
    "completion_year",
];

/// Reads CSV content (BOM already removed) into records.
pub(crate) fn read_csv(content: &[u8]) -> Result<Vec<RecordResult>, InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        // Rows with a wrong cell count become a problem of that row, not an
        // error for the whole file.
        .flexible(true)
        .from_reader(content);

    let columns = header_columns(reader.byte_headers()?)?;

    let mut lines = LineCounter::default();
    let mut results = Vec::new();
    for row in reader.byte_records() {
        let row = row?;
        let offset = row
            .position()
            .map_or(0, |position| position.byte() as usize);
        let line = lines.line_at(content, offset);

        if row
            .iter()
            .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        if row.len() != columns.len() {
            results.push((
                line,
                Err(vec![messages::csv_cell_count(
                    line,
                    row.len(),
                    columns.len(),
                )]),
            ));
            continue;
        }

        results.push((line, convert_row(&columns, &row, line)));
    }

    Ok(results)
}

/// Finds the line where a row starts from its byte offset.
///
/// The csv crate's own line numbers skip blank lines and miscount CRLF
/// (seen with csv 1.4), and its byte offset can point at the line break
/// before the row, so the counter steps over line breaks first.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    /// Returns the 1-based line of the row reported at `offset`. Offsets
    /// must not decrease between calls.
    fn line_at(&mut self, content: &[u8], offset: usize) -> usize {
        let mut start = offset.min(content.len());
        while matches!(content.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }

        let from = self.offset.min(start);
        self.line += content[from..start]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count();
        self.offset = start;
        self.line + 1
    }
}

/// Checks the header and returns its column names, trimmed.
fn header_columns(header: &csv::ByteRecord) -> Result<Vec<String>, InputError> {
    let mut columns = Vec::with_capacity(header.len());
    for (position, cell) in header.iter().enumerate() {
        let name = std::str::from_utf8(cell).map_err(|_| InputError::HeaderNotUtf8 {
            column: position + 1,
        })?;
        columns.push(name.trim().to_string());
    }

    let unknown: Vec<String> = columns
        .iter()
        .filter(|column| !COLUMNS.contains(&column.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(InputError::UnknownColumns { columns: unknown });
    }

    let mut seen = HashSet::new();
    let mut repeated: Vec<String> = columns
        .iter()
        .filter(|column| !seen.insert(column.as_str()))
        .cloned()
        .collect();
    repeated.dedup();
    if !repeated.is_empty() {
        return Err(InputError::DuplicateColumns { columns: repeated });
    }

    let mut missing: Vec<String> = REQUIRED_COLUMNS
        .iter()
        .filter(|required| !columns.iter().any(|column| column == *required))
        .map(|required| required.to_string())
        .collect();
    if !columns
        .iter()
        .any(|column| column == "name.ar" || column == "name.en")
    {
        missing.push("name.ar or name.en".to_string());
    }
    if !missing.is_empty() {
        return Err(InputError::MissingColumns { columns: missing });
    }

    Ok(columns)
}

/// Converts one row to the JSON shape and validates it. Problems found while
/// converting (bad UTF-8, unparsable numbers) replace the validator's
/// problems for the same field, which would only repeat them as "missing".
fn convert_row(
    columns: &[String],
    row: &csv::ByteRecord,
    line: usize,
) -> Result<crate::Record, Vec<Problem>> {
    let mut fields = Map::new();
    let mut problems = Vec::new();

    for (column, cell) in columns.iter().zip(row.iter()) {
        let cell = match std::str::from_utf8(cell) {
            Ok(cell) => cell.trim(),
            Err(error) => {
                problems.push(messages::invalid_utf8(
                    column,
                    line,
                    error.valid_up_to() + 1,
                ));
                continue;
            }
        };
        if cell.is_empty() {
            continue;
        }

        let value = if NUMBER_COLUMNS.contains(&column.as_str()) {
            match parse_number(cell) {
                Some(number) => Value::Number(number),
                None => {
                    problems.push(messages::invalid_csv_number(column, cell));
                    continue;
                }
            }
        } else if column == "products" {
            parse_products(cell, &mut problems)
        } else {
            Value::String(cell.to_string())
        };

        insert_path(&mut fields, column, value);
    }

    let id = fields.get("id").and_then(Value::as_str).map(str::to_string);
    let validated = validate_value(&Value::Object(fields));
    if problems.is_empty() {
        return validated;
    }

    if let Err(validator_problems) = validated {
        let covered: Vec<String> = problems
            .iter()
            .map(|problem| problem.field.clone())
            .collect();
        problems.extend(validator_problems.into_iter().filter(|problem| {
            !covered
                .iter()
                .any(|field| is_same_or_within(field, &problem.field))
        }));
    }
    for problem in &mut problems {
        problem.id.clone_from(&id);
    }
    Err(problems)
}

/// Returns `true` when `field` is `parent` or a field inside it.
fn is_same_or_within(field: &str, parent: &str) -> bool {
    field == parent
        || field
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Parses a cell as an integer if it is one, else as a finite decimal.
/// Rust's float parsing is correctly rounded, as serde_json's is with the
/// `float_roundtrip` feature, so a CSV cell and the same JSON number agree.
fn parse_number(cell: &str) -> Option<Number> {
    if let Ok(integer) = cell.parse::<i64>() {
        return Some(Number::from(integer));
    }

    cell.parse::<f64>()
        .ok()
        .filter(|float| float.is_finite())
        .and_then(Number::from_f64)
}

/// Converts `name|hs;name` entries to product objects. A name goes to `ar`
/// when it contains an Arabic letter, else to `en`.
///
/// NOTE: a product name cannot contain `;` or `|` in CSV form.
fn parse_products(cell: &str, problems: &mut Vec<Problem>) -> Value {
    let mut products = Vec::new();

    for entry in cell
        .split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
        let (name, hs) = match parts.as_slice() {
            [name] => (*name, None),
            [name, hs] => (*name, Some(*hs)),
            _ => {
                problems.push(messages::invalid_csv_product("products", entry));
                continue;
            }
        };

        let mut product = Map::new();
        let mut localized = Map::new();
        if !name.is_empty() {
            let language = if contains_arabic(name) { "ar" } else { "en" };
            localized.insert(language.to_string(), Value::String(name.to_string()));
        }
        product.insert("name".to_string(), Value::Object(localized));
        if let Some(hs) = hs.filter(|hs| !hs.is_empty()) {
            product.insert("hs".to_string(), Value::String(hs.to_string()));
        }
        products.push(Value::Object(product));
    }

    Value::Array(products)
}

/// Inserts `value` at a column path of one or two levels, e.g. `name.ar`.
fn insert_path(fields: &mut Map<String, Value>, column: &str, value: Value) {
    let Some((parent, child)) = column.split_once('.') else {
        fields.insert(column.to_string(), value);
        return;
    };

    let entry = fields
        .entry(parent.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(children) = entry {
        children.insert(child.to_string(), value);
    }
}
