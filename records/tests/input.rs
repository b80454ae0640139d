//! Reading JSON Lines and CSV inputs with `read_records` and `read_file`.

mod common;

use common::{arabic_only_record, english_only_record, full_record, has_arabic, minimal_record};
use gip_records::{
    InputError, InputFormat, Record, partition_results, read_file, read_records, validate_value,
};
use serde_json::Value;

/// Returns the four fixtures as (JSON value, CSV cells by column).
fn fixtures() -> Vec<(Value, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            full_record(),
            vec![
                ("id", "SA-JUB-0001"),
                ("country", "SA"),
                ("name.ar", "مصنع الجبيل للأمونيا"),
                ("name.en", "Jubail Ammonia Plant"),
                ("description.ar", "مصنع لإنتاج الأمونيا واليوريا."),
                ("description.en", "Plant producing ammonia and urea."),
                ("sector.isic", "2012"),
                ("products", "ammonia|281410; يوريا|310210"),
                ("status", "operational"),
                ("city.ar", "الجبيل"),
                ("city.en", "Jubail"),
                ("zone.ar", "مدينة الجبيل الصناعية"),
                ("zone.en", "Jubail Industrial City"),
                ("location.lat", "27.0112"),
                ("location.lon", "49.6583"),
                ("investment.amount", "1500000000"),
                ("investment.currency", "SAR"),
                ("capacity.value", "1.2"),
                ("capacity.unit", "million tonnes per year"),
                ("employment", "850"),
                ("start_year", "2019"),
                ("completion_year", "2023"),
                ("owner.ar", "شركة الجبيل للأسمدة"),
                ("owner.en", "Jubail Fertilizer Company"),
                ("source", "test fixture"),
                ("visibility", "gcc"),
                ("updated_at", "2025-03-01T00:00:00Z"),
            ],
        ),
        (
            minimal_record(),
            vec![
                ("id", "QA-0007"),
                ("country", "QA"),
                ("name.en", "Mesaieed Steel Mill"),
                ("sector.isic", "24"),
                ("status", "planned"),
            ],
        ),
        (
            arabic_only_record(),
            vec![
                ("id", "OM-0003"),
                ("country", "OM"),
                ("name.ar", "مصهر صحار للألمنيوم"),
                ("description.ar", "مصهر ألمنيوم في ميناء صحار."),
                ("sector.isic", "242"),
                ("products", "ألمنيوم أولي|7601"),
                ("status", "under_construction"),
                ("city.ar", "صحار"),
                ("owner.ar", "صحار ألمنيوم"),
                ("investment.amount", "95000000"),
                ("investment.currency", "OMR"),
                ("start_year", "2024"),
            ],
        ),
        (
            english_only_record(),
            vec![
                ("id", "KW-0011"),
                ("country", "KW"),
                ("name.en", "Shuaiba Polypropylene Expansion"),
                (
                    "description.en",
                    "Adds a polypropylene line to the Shuaiba complex.",
                ),
                ("sector.isic", "2013"),
                ("products", "polypropylene"),
                ("status", "suspended"),
                ("zone.en", "Shuaiba Industrial Area"),
                ("location.lat", "29.04"),
                ("location.lon", "48.16"),
                ("investment.amount", "120000000.5"),
                ("investment.currency", "KWD"),
                ("capacity.value", "450"),
                ("capacity.unit", "thousand tonnes per year"),
                ("employment", "0"),
                ("visibility", "national"),
                ("updated_at", "2024-11-30T23:59:59.250+03:00"),
            ],
        ),
    ]
}

/// Quotes a CSV cell when RFC 4180 requires it.
fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Writes rows under `header`, leaving a cell empty where a row lacks the column.
fn csv_text(header: &[&str], rows: &[Vec<(&str, &str)>], line_end: &str) -> String {
    let mut text = header.join(",") + line_end;
    for row in rows {
        let cells: Vec<String> = header
            .iter()
            .map(|column| {
                row.iter()
                    .find(|(name, _)| name == column)
                    .map_or(String::new(), |(_, cell)| csv_cell(cell))
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str(line_end);
    }
    text
}

fn json_lines(values: &[Value], line_end: &str) -> String {
    values
        .iter()
        .map(|value| value.to_string() + line_end)
        .collect()
}

fn accepted(input: &str, format: Option<InputFormat>) -> Vec<Record> {
    let results = read_records(input.as_bytes(), format).unwrap();
    let (records, rejected) = partition_results(results);
    assert!(rejected.is_empty(), "{rejected:#?}");
    records
}

/// Header with the columns in an order unlike the schema's.
const SHUFFLED_HEADER: [&str; 27] = [
    "updated_at",
    "status",
    "id",
    "products",
    "name.en",
    "name.ar",
    "country",
    "sector.isic",
    "description.en",
    "description.ar",
    "city.en",
    "city.ar",
    "zone.en",
    "zone.ar",
    "location.lon",
    "location.lat",
    "investment.currency",
    "investment.amount",
    "capacity.unit",
    "capacity.value",
    "employment",
    "completion_year",
    "start_year",
    "owner.en",
    "owner.ar",
    "source",
    "visibility",
];

#[test]
fn csv_and_jsonl_give_equal_records() {
    let (values, rows): (Vec<Value>, Vec<_>) = fixtures().into_iter().unzip();
    let expected: Vec<Record> = values
        .iter()
        .map(|value| validate_value(value).unwrap())
        .collect();

    let from_jsonl = accepted(&json_lines(&values, "\n"), Some(InputFormat::JsonLines));
    let from_csv = accepted(
        &csv_text(&SHUFFLED_HEADER, &rows, "\n"),
        Some(InputFormat::Csv),
    );

    assert_eq!(from_jsonl, expected);
    assert_eq!(from_csv, expected);
    for (csv_record, jsonl_record) in from_csv.iter().zip(&from_jsonl) {
        assert_eq!(
            csv_record.content_hash(),
            jsonl_record.content_hash(),
            "id {}",
            csv_record.id
        );
    }
}

#[test]
fn csv_with_only_some_columns() {
    let rows: Vec<_> = fixtures().into_iter().map(|(_, row)| row).collect();
    let header = ["id", "country", "name.en", "sector.isic", "status"];

    let records = accepted(&csv_text(&header, &rows[1..2], "\n"), None);

    assert_eq!(records, vec![validate_value(&minimal_record()).unwrap()]);
}

#[test]
fn format_sniffed_from_content() {
    let (values, rows): (Vec<Value>, Vec<_>) = fixtures().into_iter().unzip();

    let from_jsonl = accepted(&format!("\n  \n{}", json_lines(&values, "\n")), None);
    let from_csv = accepted(&csv_text(&SHUFFLED_HEADER, &rows, "\n"), None);

    assert_eq!(from_jsonl.len(), 4);
    assert_eq!(from_csv, from_jsonl);
}

#[test]
fn json_array_rejected_when_sniffing() {
    let input = format!("[{}]", full_record());

    let error = read_records(input.as_bytes(), None).unwrap_err();

    assert!(matches!(error, InputError::JsonArray), "{error:?}");
    assert!(error.to_string().contains("one JSON object per line"));
    assert!(has_arabic(&error.message_ar()));
}

#[test]
fn bom_skipped_in_both_formats() {
    let (values, rows): (Vec<Value>, Vec<_>) = fixtures().into_iter().unzip();
    let jsonl = format!("\u{FEFF}{}", json_lines(&values, "\n"));
    let csv = format!("\u{FEFF}{}", csv_text(&SHUFFLED_HEADER, &rows, "\n"));

    assert_eq!(accepted(&jsonl, None).len(), 4);
    assert_eq!(accepted(&jsonl, Some(InputFormat::JsonLines)).len(), 4);
    assert_eq!(accepted(&csv, None).len(), 4);
    assert_eq!(accepted(&csv, Some(InputFormat::Csv)).len(), 4);
}

#[test]
fn crlf_line_endings() {
    let (values, rows): (Vec<Value>, Vec<_>) = fixtures().into_iter().unzip();

    let from_jsonl = accepted(&json_lines(&values, "\r\n"), None);
    let csv = csv_text(&SHUFFLED_HEADER, &rows, "\r\n");
    let from_csv = accepted(&csv, None);

    let csv_lines: Vec<usize> = read_records(csv.as_bytes(), None)
        .unwrap()
        .iter()
        .map(|(line, _)| *line)
        .collect();
    assert_eq!(csv_lines, [2, 3, 4, 5]);

    assert_eq!(from_jsonl.len(), 4);
    assert_eq!(from_csv, from_jsonl);
    assert_eq!(
        from_jsonl[3].updated_at.as_deref(),
        Some("2024-11-30T23:59:59.250+03:00")
    );
}

#[test]
fn blank_lines_skipped_lines_counted() {
    let input = format!("\n{}\n   \n\t\r\n{}\n\n", minimal_record(), full_record());

    let results = read_records(input.as_bytes(), None).unwrap();

    let lines: Vec<usize> = results.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [2, 5]);
    assert!(results.iter().all(|(_, result)| result.is_ok()));
}

#[test]
fn csv_blank_rows_skipped() {
    let rows: Vec<_> = fixtures().into_iter().map(|(_, row)| row).collect();
    let mut input = csv_text(&SHUFFLED_HEADER, &rows[..2], "\n");
    input.push_str(&",".repeat(26));
    input.push_str("\n\n");
    let later_rows = csv_text(&SHUFFLED_HEADER, &rows[2..], "\n");
    input.push_str(later_rows.split_once('\n').unwrap().1);

    let results = read_records(input.as_bytes(), None).unwrap();

    let lines: Vec<usize> = results.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [2, 3, 6, 7]);
    assert!(
        results.iter().all(|(_, result)| result.is_ok()),
        "{results:#?}"
    );
}

#[test]
fn empty_inputs_give_no_records() {
    for input in ["", "\n\n", "  \r\n\t\n", "\u{FEFF}", "\u{FEFF}\n"] {
        for format in [None, Some(InputFormat::JsonLines), Some(InputFormat::Csv)] {
            let results = read_records(input.as_bytes(), format).unwrap();
            assert!(
                results.is_empty(),
                "input {input:?} with {format:?} gave {results:?}"
            );
        }
    }
}

#[test]
fn invalid_utf8_line_rejected_alone() {
    let mut input = minimal_record().to_string().into_bytes();
    input.extend_from_slice(b"\n{\"id\": \"SA-1\", \"name\": {\"en\": \"Bad \xFF byte\"}}\n");
    input.extend_from_slice(full_record().to_string().as_bytes());

    let results = read_records(input.as_slice(), None).unwrap();

    assert_eq!(results.len(), 3);
    assert!(results[0].1.is_ok());
    assert!(results[2].1.is_ok());
    let (line, result) = &results[1];
    assert_eq!(*line, 2);
    let problems = result.as_ref().unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(2));
    assert_eq!(problems[0].index, Some(1));
    assert!(
        problems[0].reason.contains("line 2 is not valid UTF-8"),
        "{}",
        problems[0].reason
    );
    let bad_line = input.split(|&byte| byte == b'\n').nth(1).unwrap();
    let bad_position = bad_line.iter().position(|&byte| byte == 0xFF).unwrap() + 1;
    assert!(
        problems[0]
            .reason
            .contains(&format!("position {bad_position})")),
        "{}",
        problems[0].reason
    );
    assert!(has_arabic(&problems[0].reason_ar));
}

#[test]
fn invalid_utf8_csv_cell_names_column() {
    let mut input = b"id,country,name.en,sector.isic,status\n".to_vec();
    input.extend_from_slice(b"QA-1,QA,Steel \xC3\x28 Mill,24,planned\n");

    let results = read_records(input.as_slice(), None).unwrap();

    let problems = results[0].1.as_ref().unwrap_err();
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(fields, ["name.en"], "{problems:#?}");
    assert!(
        problems[0]
            .reason
            .contains("name.en on line 2 is not valid UTF-8"),
        "{}",
        problems[0].reason
    );
    assert_eq!(problems[0].id.as_deref(), Some("QA-1"));
}

#[test]
fn invalid_utf8_csv_header_is_error() {
    let input = b"id,country,name.\xFF,sector.isic,status\n";

    let error = read_records(input.as_slice(), Some(InputFormat::Csv)).unwrap_err();

    assert!(
        matches!(error, InputError::HeaderNotUtf8 { column: 3 }),
        "{error:?}"
    );
}

#[test]
fn truncated_json_line_names_line_and_column() {
    let truncated = r#"{"id": "SA-1", "country": "SA", "name": {"ar": "مصنع"#;
    let input = format!("{}\n{truncated}\n", minimal_record());

    let results = read_records(input.as_bytes(), None).unwrap();

    assert_eq!(results.len(), 2);
    let (line, result) = &results[1];
    assert_eq!(*line, 2);
    let problems = result.as_ref().unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "");
    assert!(
        problems[0]
            .reason
            .starts_with("line 2 is not valid JSON at column"),
        "{}",
        problems[0].reason
    );
    assert!(
        problems[0].reason.contains("EOF while parsing"),
        "{}",
        problems[0].reason
    );
    assert!(
        !problems[0].reason.contains("at line 1"),
        "{}",
        problems[0].reason
    );
}

#[test]
fn json_error_column_counts_characters() {
    let line = r#"{"name": {"ar": "مصنع الجبيل"}, "id": }"#;

    let results = read_records(line.as_bytes(), Some(InputFormat::JsonLines)).unwrap();

    let problem = &results[0].1.as_ref().unwrap_err()[0];
    let bad_column = line.chars().count();
    assert!(
        problem.reason.contains(&format!("at column {bad_column} ")),
        "{}",
        problem.reason
    );
}

#[test]
fn json_line_not_object_rejected() {
    let input = format!("{}\n[1, 2]\n\"text\"\n", minimal_record());

    let results = read_records(input.as_bytes(), Some(InputFormat::JsonLines)).unwrap();

    assert_eq!(results.len(), 3);
    assert!(results[1].1.is_err());
    assert!(results[2].1.is_err());
}

#[test]
fn problems_get_line_and_index() {
    let bad = r#"{"id": "SA-2", "country": "SAU", "name": {"en": "x"}, "sector": {"isic": "20"}, "status": "planned"}"#;
    let input = format!("{}\n\n{bad}\n", minimal_record());

    let results = read_records(input.as_bytes(), None).unwrap();

    let problems = results[1].1.as_ref().unwrap_err();
    assert_eq!(problems[0].line, Some(3));
    assert_eq!(problems[0].index, Some(1));
    assert_eq!(problems[0].id.as_deref(), Some("SA-2"));
    assert_eq!(
        problems[0].to_string(),
        format!("line 3 (id SA-2): country: {}", problems[0].reason)
    );
}

#[test]
fn duplicate_id_rejected_later() {
    let input = format!(
        "{}\n{}\n{}\n",
        minimal_record(),
        full_record(),
        minimal_record()
    );

    let results = read_records(input.as_bytes(), None).unwrap();

    assert!(results[0].1.is_ok());
    assert!(results[1].1.is_ok());
    let problems = results[2].1.as_ref().unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "id");
    assert!(
        problems[0]
            .reason
            .contains("already used by the record on line 1"),
        "{}",
        problems[0].reason
    );
}

#[test]
fn duplicate_of_rejected_record_flagged() {
    let bad = r#"{"id": "QA-0007", "country": "XX", "name": {"en": "x"}, "sector": {"isic": "20"}, "status": "planned"}"#;
    let input = format!("{bad}\n{}\n", minimal_record());

    let results = read_records(input.as_bytes(), None).unwrap();

    let problems = results[1].1.as_ref().unwrap_err();
    assert!(
        problems[0].reason.contains("on line 1"),
        "{}",
        problems[0].reason
    );
}

#[test]
fn csv_unknown_column_is_error() {
    let input = "id,country,name.en,sector.isic,status,name.fr\nQA-1,QA,x,24,planned,y\n";

    let error = read_records(input.as_bytes(), None).unwrap_err();

    match &error {
        InputError::UnknownColumns { columns } => assert_eq!(columns, &["name.fr"]),
        other => panic!("expected UnknownColumns, got {other:?}"),
    }
    assert!(error.to_string().contains("\"name.fr\""));
    assert!(error.message_ar().contains("\"name.fr\""));
}

#[test]
fn csv_missing_and_repeated_columns() {
    let missing = read_records(
        "id,name.en,status\nQA-1,x,planned\n".as_bytes(),
        Some(InputFormat::Csv),
    )
    .unwrap_err();
    match missing {
        InputError::MissingColumns { columns } => assert_eq!(columns, ["country", "sector.isic"]),
        other => panic!("expected MissingColumns, got {other:?}"),
    }

    let no_name = read_records(
        "id,country,sector.isic,status\nQA-1,QA,24,planned\n".as_bytes(),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(no_name, InputError::MissingColumns { ref columns } if columns == &["name.ar or name.en"]),
        "{no_name:?}"
    );

    let repeated = read_records(
        "id,country,name.en,sector.isic,status,id\n".as_bytes(),
        None,
    )
    .unwrap_err();
    assert!(
        matches!(repeated, InputError::DuplicateColumns { ref columns } if columns == &["id"]),
        "{repeated:?}"
    );
}

#[test]
fn csv_wrong_cell_count_rejected() {
    let input = "id,country,name.en,sector.isic,status\nQA-1,QA,Steel, Mill,24,planned\nQA-2,QA,Mill,24,planned\n";

    let results = read_records(input.as_bytes(), None).unwrap();

    let problems = results[0].1.as_ref().unwrap_err();
    assert!(
        problems[0]
            .reason
            .contains("has 6 cells but the header has 5 columns"),
        "{}",
        problems[0].reason
    );
    assert!(results[1].1.is_ok());
}

#[test]
fn csv_bad_numbers_reported_once() {
    let input = "id,country,name.en,sector.isic,status,location.lat,location.lon,employment,investment.amount,investment.currency\n\
                 QA-1,QA,Mill,24,planned,north,51.5,\"1,200\",NaN,QAR\n";

    let results = read_records(input.as_bytes(), None).unwrap();

    let problems = results[0].1.as_ref().unwrap_err();
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["location.lat", "employment", "investment.amount"],
        "{problems:#?}"
    );
    assert!(
        problems[1].reason.contains("\"1,200\" is not a number"),
        "{}",
        problems[1].reason
    );
}

#[test]
fn csv_numbers_checked_by_schema() {
    let input = "id,country,name.en,sector.isic,status,employment,start_year,location.lat,location.lon\n\
                 QA-1,QA,Mill,2A,planned,12.5,1850,91,51\n";

    let results = read_records(input.as_bytes(), None).unwrap();

    let problems = results[0].1.as_ref().unwrap_err();
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["sector.isic", "location.lat", "employment", "start_year"],
        "{problems:#?}"
    );
}

#[test]
fn csv_products_split_by_language() {
    let input = "id,country,name.en,sector.isic,status,products\n\
                 QA-1,QA,Mill,24,planned,\"urea|310210; يوريا مكثفة ;;ammonia | 2814\"\n";

    let records = accepted(input, None);

    let products = &records[0].products;
    assert_eq!(products.len(), 3);
    assert_eq!(products[0].name.en.as_deref(), Some("urea"));
    assert_eq!(products[0].hs.as_deref(), Some("310210"));
    assert_eq!(products[1].name.ar.as_deref(), Some("يوريا مكثفة"));
    assert_eq!(products[1].name.en, None);
    assert_eq!(products[2].hs.as_deref(), Some("2814"));
}

#[test]
fn csv_bad_products_reported() {
    let input = "id,country,name.en,sector.isic,status,products\n\
                 QA-1,QA,Mill,24,planned,urea|3102|x;|2814;ammonia|28\n";

    let results = read_records(input.as_bytes(), None).unwrap();

    let problems = results[0].1.as_ref().unwrap_err();
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["products", "products[0].name", "products[1].hs"],
        "{problems:#?}"
    );
}

#[test]
fn csv_quoted_cells_with_commas_and_newlines() {
    let input = "id,country,name.en,description.en,sector.isic,status\n\
                 QA-1,QA,\"Mill, Phase 2\",\"First line.\nSecond \"\"quoted\"\" line.\",24,planned\n\
                 QA-2,QA,Other,,24,planned\n";

    let results = read_records(input.as_bytes(), None).unwrap();

    let first = results[0].1.as_ref().unwrap();
    assert_eq!(first.name.en.as_deref(), Some("Mill, Phase 2"));
    assert_eq!(
        first.description.as_ref().unwrap().en.as_deref(),
        Some("First line.\nSecond \"quoted\" line.")
    );
    assert_eq!(results[1].0, 4);
}

#[test]
fn format_from_extension() {
    use std::path::Path;

    assert_eq!(
        InputFormat::from_path(Path::new("a/projects.jsonl")),
        Some(InputFormat::JsonLines)
    );
    assert_eq!(
        InputFormat::from_path(Path::new("projects.NDJSON")),
        Some(InputFormat::JsonLines)
    );
    assert_eq!(
        InputFormat::from_path(Path::new("projects.Csv")),
        Some(InputFormat::Csv)
    );
    assert_eq!(InputFormat::from_path(Path::new("projects.txt")), None);
    assert_eq!(InputFormat::from_path(Path::new("projects")), None);
}

#[test]
fn read_file_uses_extension() {
    let directory = tempfile::tempdir().unwrap();
    let (values, rows): (Vec<Value>, Vec<_>) = fixtures().into_iter().unzip();

    let jsonl_path = directory.path().join("records.jsonl");
    std::fs::write(&jsonl_path, json_lines(&values, "\n")).unwrap();
    let csv_path = directory.path().join("records.csv");
    std::fs::write(&csv_path, csv_text(&SHUFFLED_HEADER, &rows, "\n")).unwrap();

    let (from_jsonl, rejected_jsonl) = partition_results(read_file(&jsonl_path).unwrap());
    let (from_csv, rejected_csv) = partition_results(read_file(&csv_path).unwrap());

    assert!(rejected_jsonl.is_empty());
    assert!(rejected_csv.is_empty());
    assert_eq!(from_jsonl.len(), 4);
    assert_eq!(from_csv, from_jsonl);
}

#[test]
fn read_file_missing_path() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("absent.jsonl");

    let error = read_file(&path).unwrap_err();

    assert!(matches!(error, InputError::Open { .. }), "{error:?}");
    assert!(error.to_string().contains("absent.jsonl"));
}

#[test]
fn partition_keeps_lines() {
    let input = format!("{}\n{{\"id\": 1}}\n{}\n", minimal_record(), full_record());

    let (records, rejected) = partition_results(read_records(input.as_bytes(), None).unwrap());

    assert_eq!(records.len(), 2);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].line, 2);
}
