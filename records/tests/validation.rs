//! Schema v1 rules, one table row per bad record, plus accepted records.

mod common;

use std::collections::BTreeSet;

use common::{
    arabic_only_record, english_only_record, full_record, has_arabic, merged, minimal_record,
    without,
};
use gip_records::{Country, Currency, Problem, Status, Visibility, validate_value};
use serde_json::{Value, json};

/// How a bad case is built from the full record.
enum Change {
    /// Merge this patch into the full record.
    Patch(Value),
    /// Remove the field at this dotted path.
    Remove(&'static str),
    /// Use this value as the whole record.
    Replace(Value),
}

fn build(change: &Change) -> Value {
    match change {
        Change::Patch(patch) => merged(&full_record(), patch),
        Change::Remove(path) => without(&full_record(), path),
        Change::Replace(value) => value.clone(),
    }
}

fn problem_fields(problems: &[Problem]) -> BTreeSet<String> {
    problems
        .iter()
        .map(|problem| problem.field.clone())
        .collect()
}

fn products(count: usize) -> Value {
    let items: Vec<Value> = (0..count)
        .map(|i| json!({"name": {"en": format!("product {i}")}}))
        .collect();
    Value::Array(items)
}

fn bad_cases() -> Vec<(&'static str, Change, Vec<&'static str>)> {
    use Change::{Patch, Remove, Replace};

    let long_name = "x".repeat(301);
    let long_description = "و".repeat(5_001);
    let long_source = "s".repeat(1_001);
    let long_id = "A".repeat(129);

    vec![
        // id
        ("id missing", Remove("id"), vec!["id"]),
        ("id empty", Patch(json!({"id": ""})), vec!["id"]),
        ("id blank", Patch(json!({"id": "   "})), vec!["id"]),
        ("id null", Patch(json!({"id": null})), vec!["id"]),
        ("id with space", Patch(json!({"id": "SA 0001"})), vec!["id"]),
        ("id with slash", Patch(json!({"id": "SA/0001"})), vec!["id"]),
        ("id too long", Patch(json!({"id": long_id})), vec!["id"]),
        ("id number", Patch(json!({"id": 17})), vec!["id"]),
        // country
        (
            "country alpha-3",
            Patch(json!({"country": "SAU"})),
            vec!["country"],
        ),
        (
            "country lower case",
            Patch(json!({"country": "sa"})),
            vec!["country"],
        ),
        (
            "country outside GCC",
            Patch(json!({"country": "EG"})),
            vec!["country"],
        ),
        ("country missing", Remove("country"), vec!["country"]),
        // name
        ("name missing", Remove("name"), vec!["name"]),
        (
            "name empty object",
            Patch(json!({"name": null})),
            vec!["name"],
        ),
        (
            "name blank languages",
            Replace(merged(
                &without(&full_record(), "name"),
                &json!({"name": {"ar": "  ", "en": ""}}),
            )),
            vec!["name"],
        ),
        (
            "name as string",
            Patch(json!({"name": "Jubail Ammonia Plant"})),
            vec!["name"],
        ),
        (
            "name other language only",
            Replace(merged(
                &without(&full_record(), "name"),
                &json!({"name": {"fr": "Usine"}}),
            )),
            vec!["name", "name.fr"],
        ),
        (
            "name.en too long",
            Patch(json!({"name": {"en": long_name}})),
            vec!["name.en"],
        ),
        (
            "name.ar number",
            Patch(json!({"name": {"ar": 5}})),
            vec!["name.ar"],
        ),
        // description
        (
            "description.ar too long",
            Patch(json!({"description": {"ar": long_description}})),
            vec!["description.ar"],
        ),
        (
            "description as string",
            Patch(json!({"description": "A plant."})),
            vec!["description"],
        ),
        (
            "description.en boolean",
            Patch(json!({"description": {"en": true}})),
            vec!["description.en"],
        ),
        // sector
        ("sector missing", Remove("sector"), vec!["sector"]),
        (
            "sector.isic missing",
            Remove("sector.isic"),
            vec!["sector.isic"],
        ),
        (
            "sector.isic one digit",
            Patch(json!({"sector": {"isic": "2"}})),
            vec!["sector.isic"],
        ),
        (
            "sector.isic five digits",
            Patch(json!({"sector": {"isic": "20111"}})),
            vec!["sector.isic"],
        ),
        (
            "sector.isic with letter",
            Patch(json!({"sector": {"isic": "20A1"}})),
            vec!["sector.isic"],
        ),
        (
            "sector.isic number",
            Patch(json!({"sector": {"isic": 2011}})),
            vec!["sector.isic"],
        ),
        (
            "sector as string",
            Patch(json!({"sector": "2011"})),
            vec!["sector"],
        ),
        (
            "sector unknown key",
            Patch(json!({"sector": {"isic4": "2011"}})),
            vec!["sector.isic4"],
        ),
        // products
        (
            "products as object",
            Patch(json!({"products": {"name": {"en": "urea"}}})),
            vec!["products"],
        ),
        (
            "products too many",
            Patch(json!({"products": products(201)})),
            vec!["products"],
        ),
        (
            "products hs too short",
            Patch(
                json!({"products": [{"name": {"en": "urea"}}, {"name": {"en": "ammonia"}, "hs": "31"}]}),
            ),
            vec!["products[1].hs"],
        ),
        (
            "products hs seven digits",
            Patch(json!({"products": [{"name": {"en": "urea"}, "hs": "3102100"}]})),
            vec!["products[0].hs"],
        ),
        (
            "products hs number",
            Patch(json!({"products": [{"name": {"en": "urea"}, "hs": 310210}]})),
            vec!["products[0].hs"],
        ),
        (
            "products name empty",
            Patch(json!({"products": [{"name": {}, "hs": "3102"}]})),
            vec!["products[0].name"],
        ),
        (
            "products name missing",
            Patch(json!({"products": [{"hs": "3102"}]})),
            vec!["products[0].name"],
        ),
        (
            "products item string",
            Patch(json!({"products": ["urea"]})),
            vec!["products[0]"],
        ),
        (
            "products unknown key",
            Patch(json!({"products": [{"name": {"en": "urea"}, "code": "3102"}]})),
            vec!["products[0].code"],
        ),
        // status
        ("status missing", Remove("status"), vec!["status"]),
        (
            "status capitalized",
            Patch(json!({"status": "Operational"})),
            vec!["status"],
        ),
        (
            "status unknown",
            Patch(json!({"status": "complete"})),
            vec!["status"],
        ),
        (
            "status with space",
            Patch(json!({"status": "under construction"})),
            vec!["status"],
        ),
        // city, zone, owner
        (
            "city.en number",
            Patch(json!({"city": {"en": 7}})),
            vec!["city.en"],
        ),
        (
            "zone unknown language",
            Patch(json!({"zone": {"de": "Industriegebiet"}})),
            vec!["zone.de"],
        ),
        (
            "owner.en too long",
            Patch(json!({"owner": {"en": "o".repeat(301)}})),
            vec!["owner.en"],
        ),
        // location
        (
            "location lat above 90",
            Patch(json!({"location": {"lat": 95.0}})),
            vec!["location.lat"],
        ),
        (
            "location lon below -180",
            Patch(json!({"location": {"lon": -181}})),
            vec!["location.lon"],
        ),
        (
            "location lat as string",
            Patch(json!({"location": {"lat": "27.01"}})),
            vec!["location.lat"],
        ),
        (
            "location lon missing",
            Remove("location.lon"),
            vec!["location.lon"],
        ),
        (
            "location as array",
            Patch(json!({"location": [27.01, 49.65]})),
            vec!["location"],
        ),
        (
            "location lng key",
            Patch(json!({"location": {"lng": 49.65}})),
            vec!["location.lng"],
        ),
        // investment
        (
            "investment amount zero",
            Patch(json!({"investment": {"amount": 0}})),
            vec!["investment.amount"],
        ),
        (
            "investment amount negative",
            Patch(json!({"investment": {"amount": -5}})),
            vec!["investment.amount"],
        ),
        (
            "investment amount at limit",
            Patch(json!({"investment": {"amount": 1e13}})),
            vec!["investment.amount"],
        ),
        (
            "investment amount as string",
            Patch(json!({"investment": {"amount": "1500000000"}})),
            vec!["investment.amount"],
        ),
        (
            "investment currency EUR",
            Patch(json!({"investment": {"currency": "EUR"}})),
            vec!["investment.currency"],
        ),
        (
            "investment currency lower case",
            Patch(json!({"investment": {"currency": "sar"}})),
            vec!["investment.currency"],
        ),
        (
            "investment currency missing",
            Remove("investment.currency"),
            vec!["investment.currency"],
        ),
        // capacity
        (
            "capacity value negative",
            Patch(json!({"capacity": {"value": -1}})),
            vec!["capacity.value"],
        ),
        (
            "capacity unit empty",
            Patch(json!({"capacity": {"unit": ""}})),
            vec!["capacity.unit"],
        ),
        (
            "capacity value string and unit missing",
            Replace(merged(
                &without(&full_record(), "capacity.unit"),
                &json!({"capacity": {"value": "1.2"}}),
            )),
            vec!["capacity.value", "capacity.unit"],
        ),
        // employment
        (
            "employment negative",
            Patch(json!({"employment": -1})),
            vec!["employment"],
        ),
        (
            "employment above maximum",
            Patch(json!({"employment": 10_000_001})),
            vec!["employment"],
        ),
        (
            "employment fraction",
            Patch(json!({"employment": 850.5})),
            vec!["employment"],
        ),
        (
            "employment as string",
            Patch(json!({"employment": "850"})),
            vec!["employment"],
        ),
        (
            "employment boolean",
            Patch(json!({"employment": true})),
            vec!["employment"],
        ),
        // years
        (
            "start_year before 1900",
            Patch(json!({"start_year": 1899})),
            vec!["start_year"],
        ),
        (
            "completion_year after 2100",
            Patch(json!({"completion_year": 2101})),
            vec!["completion_year"],
        ),
        (
            "start_year fraction",
            Patch(json!({"start_year": 2019.5})),
            vec!["start_year"],
        ),
        (
            "start_year as string",
            Patch(json!({"start_year": "2019"})),
            vec!["start_year"],
        ),
        (
            "completion before start",
            Patch(json!({"start_year": 2023, "completion_year": 2019})),
            vec!["completion_year"],
        ),
        // source, visibility, updated_at
        ("source number", Patch(json!({"source": 5})), vec!["source"]),
        (
            "source too long",
            Patch(json!({"source": long_source})),
            vec!["source"],
        ),
        (
            "visibility unknown",
            Patch(json!({"visibility": "private"})),
            vec!["visibility"],
        ),
        (
            "visibility capitalized",
            Patch(json!({"visibility": "Public"})),
            vec!["visibility"],
        ),
        (
            "updated_at date only",
            Patch(json!({"updated_at": "2025-03-01"})),
            vec!["updated_at"],
        ),
        (
            "updated_at month 13",
            Patch(json!({"updated_at": "2025-13-01T00:00:00Z"})),
            vec!["updated_at"],
        ),
        (
            "updated_at no offset",
            Patch(json!({"updated_at": "2025-03-01T00:00:00"})),
            vec!["updated_at"],
        ),
        (
            "updated_at words",
            Patch(json!({"updated_at": "yesterday"})),
            vec!["updated_at"],
        ),
        (
            "updated_at unix time",
            Patch(json!({"updated_at": 1740787200})),
            vec!["updated_at"],
        ),
        // unknown fields
        (
            "misspelled status",
            Patch(json!({"stauts": "planned"})),
            vec!["stauts"],
        ),
        (
            "unknown field",
            Patch(json!({"notes": "call back"})),
            vec!["notes"],
        ),
        // whole record
        ("record array", Replace(json!([full_record()])), vec![""]),
        ("record string", Replace(json!("SA-0001")), vec![""]),
        ("record null", Replace(Value::Null), vec![""]),
    ]
}

#[test]
fn bad_records_report_exact_fields() {
    let cases = bad_cases();
    assert!(
        cases.len() >= 40,
        "the table has only {} cases",
        cases.len()
    );

    for (name, change, expected) in &cases {
        let value = build(change);
        let problems = match validate_value(&value) {
            Ok(record) => panic!("case {name:?} was accepted as {record:?}"),
            Err(problems) => problems,
        };

        let expected: BTreeSet<String> = expected.iter().map(|field| field.to_string()).collect();
        assert_eq!(
            problem_fields(&problems),
            expected,
            "case {name:?}: {problems:#?}"
        );
        assert_eq!(
            problems.len(),
            expected.len(),
            "case {name:?} repeats a field: {problems:#?}"
        );
    }
}

#[test]
fn bad_records_explain_in_both_languages() {
    for (name, change, _) in bad_cases() {
        let Err(problems) = validate_value(&build(&change)) else {
            panic!("case {name:?} was accepted");
        };

        for problem in problems {
            assert!(
                !problem.reason.is_empty(),
                "case {name:?}: empty English reason"
            );
            assert!(
                !has_arabic(&problem.reason),
                "case {name:?}: Arabic in the English reason {:?}",
                problem.reason
            );
            assert!(
                has_arabic(&problem.reason_ar),
                "case {name:?}: no Arabic in {:?}",
                problem.reason_ar
            );
            assert_eq!(problem.line, None, "case {name:?}");
            assert_eq!(problem.index, None, "case {name:?}");
        }
    }
}

#[test]
fn several_problems_all_reported() {
    let value = json!({
        "id": "bad id!",
        "country": "XX",
        "name": {},
        "sector": {"isic": "x"},
        "status": "done",
        "stauts": "planned",
        "employment": "5",
        "location": {"lat": 100, "lon": 200},
        "start_year": 2030,
        "completion_year": 2020,
        "investment": {"amount": -1, "currency": "EUR"},
        "products": [{"name": {"en": "urea"}, "hs": "1"}, {"name": {}}]
    });

    let problems = validate_value(&value).unwrap_err();

    let expected: BTreeSet<String> = [
        "id",
        "country",
        "name",
        "sector.isic",
        "status",
        "stauts",
        "employment",
        "location.lat",
        "location.lon",
        "completion_year",
        "investment.amount",
        "investment.currency",
        "products[0].hs",
        "products[1].name",
    ]
    .iter()
    .map(|field| field.to_string())
    .collect();
    assert_eq!(problem_fields(&problems), expected, "{problems:#?}");
}

#[test]
fn empty_object_lists_required_fields() {
    let problems = validate_value(&json!({})).unwrap_err();

    let expected: BTreeSet<String> = ["id", "country", "name", "sector", "status"]
        .iter()
        .map(|field| field.to_string())
        .collect();
    assert_eq!(problem_fields(&problems), expected);
}

#[test]
fn problems_carry_record_id() {
    let value = merged(
        &full_record(),
        &json!({"id": "  SA-9 ", "country": "SAU", "status": "done"}),
    );

    let problems = validate_value(&value).unwrap_err();

    assert_eq!(problems.len(), 2);
    for problem in problems {
        assert_eq!(problem.id.as_deref(), Some("SA-9"));
    }
}

#[test]
fn invalid_id_still_labels_problems() {
    let value = merged(&full_record(), &json!({"id": "SA 9"}));

    let problems = validate_value(&value).unwrap_err();

    assert_eq!(problems[0].id.as_deref(), Some("SA 9"));
    assert!(
        problems[0].reason.contains("\" \""),
        "{}",
        problems[0].reason
    );
}

#[test]
fn country_message_names_value_and_fix() {
    let value = merged(&full_record(), &json!({"country": "SAU"}));

    let problem = validate_value(&value).unwrap_err().remove(0);

    assert_eq!(problem.field, "country");
    assert!(problem.reason.contains("\"SAU\""), "{}", problem.reason);
    assert!(
        problem.reason.contains("SA, AE, QA, KW, BH, OM"),
        "{}",
        problem.reason
    );
    assert!(
        problem.reason.contains("ISO 3166-1 alpha-2"),
        "{}",
        problem.reason
    );
    assert!(
        problem.reason_ar.contains("\"SAU\""),
        "{}",
        problem.reason_ar
    );
    assert!(
        problem.reason_ar.contains("SA أو AE"),
        "{}",
        problem.reason_ar
    );
}

#[test]
fn lower_case_code_gets_spelling() {
    let value = merged(
        &full_record(),
        &json!({"country": "sa", "investment": {"currency": "sar"}}),
    );

    let problems = validate_value(&value).unwrap_err();

    assert!(
        problems[0].reason.contains("\"SA\""),
        "{}",
        problems[0].reason
    );
    assert!(
        problems[1].reason.contains("\"SAR\""),
        "{}",
        problems[1].reason
    );
}

#[test]
fn number_as_string_says_remove_quotes() {
    let value = merged(&full_record(), &json!({"employment": "850"}));

    let problem = validate_value(&value).unwrap_err().remove(0);

    assert!(problem.reason.contains("\"850\""), "{}", problem.reason);
    assert!(
        problem.reason.contains("remove the quotes"),
        "{}",
        problem.reason
    );
}

#[test]
fn unknown_fields_suggest_close_names() {
    let cases = [
        (json!({"stauts": "planned"}), "stauts", Some("\"status\"")),
        (json!({"Country": "SA"}), "Country", Some("\"country\"")),
        (
            json!({"location": {"lat": 1, "lon": 2, "lng": 2}}),
            "location.lng",
            Some("\"lon\""),
        ),
        (
            json!({"location": {"lat": 1, "lon": 2, "latitude": 1}}),
            "location.latitude",
            Some("\"lat\""),
        ),
        (json!({"notes": "x"}), "notes", None),
    ];

    for (patch, field, suggestion) in cases {
        let problems = validate_value(&merged(&full_record(), &patch)).unwrap_err();
        let problem = problems
            .iter()
            .find(|problem| problem.field == field)
            .unwrap();

        match suggestion {
            Some(close) => {
                assert!(
                    problem.reason.contains(&format!("did you mean {close}")),
                    "{}",
                    problem.reason
                );
                assert!(problem.reason_ar.contains(close), "{}", problem.reason_ar);
            }
            None => assert!(
                problem
                    .reason
                    .contains("allowed fields here are id, country"),
                "{}",
                problem.reason
            ),
        }
    }
}

#[test]
fn long_values_shortened_in_messages() {
    let value = merged(&full_record(), &json!({"status": "x".repeat(1_000)}));

    let problem = validate_value(&value).unwrap_err().remove(0);

    assert!(problem.reason.len() < 300, "{}", problem.reason);
    assert!(problem.reason.contains('…'));
}

#[test]
fn full_record_keeps_every_field() {
    let record = validate_value(&full_record()).unwrap();

    assert_eq!(record.id, "SA-JUB-0001");
    assert_eq!(record.country, Country::SA);
    assert_eq!(record.name.en.as_deref(), Some("Jubail Ammonia Plant"));
    assert_eq!(record.name.ar.as_deref(), Some("مصنع الجبيل للأمونيا"));
    assert_eq!(
        record.description.as_ref().unwrap().en.as_deref(),
        Some("Plant producing ammonia and urea.")
    );
    assert_eq!(record.sector.isic, "2012");
    assert_eq!(record.products.len(), 2);
    assert_eq!(record.products[1].name.ar.as_deref(), Some("يوريا"));
    assert_eq!(record.products[1].hs.as_deref(), Some("310210"));
    assert_eq!(record.status, Status::Operational);
    assert_eq!(record.city.as_ref().unwrap().en.as_deref(), Some("Jubail"));
    assert_eq!(
        record.zone.as_ref().unwrap().ar.as_deref(),
        Some("مدينة الجبيل الصناعية")
    );
    assert_eq!(record.location.unwrap().lat, 27.0112);
    assert_eq!(record.location.unwrap().lon, 49.6583);
    assert_eq!(record.investment.unwrap().amount, 1_500_000_000.0);
    assert_eq!(record.investment.unwrap().currency, Currency::SAR);
    assert_eq!(record.capacity.as_ref().unwrap().value, 1.2);
    assert_eq!(
        record.capacity.as_ref().unwrap().unit,
        "million tonnes per year"
    );
    assert_eq!(record.employment, Some(850));
    assert_eq!(record.start_year, Some(2019));
    assert_eq!(record.completion_year, Some(2023));
    assert_eq!(
        record.owner.as_ref().unwrap().en.as_deref(),
        Some("Jubail Fertilizer Company")
    );
    assert_eq!(record.source.as_deref(), Some("test fixture"));
    assert_eq!(record.visibility, Visibility::Gcc);
    assert_eq!(record.updated_at.as_deref(), Some("2025-03-01T00:00:00Z"));
}

#[test]
fn minimal_record_gets_defaults() {
    let record = validate_value(&minimal_record()).unwrap();

    assert_eq!(record.visibility, Visibility::Public);
    assert!(record.products.is_empty());
    assert_eq!(record.description, None);
    assert_eq!(record.location, None);
    assert_eq!(record.investment, None);
    assert_eq!(record.updated_at, None);
}

#[test]
fn single_language_records_pass() {
    let arabic = validate_value(&arabic_only_record()).unwrap();
    assert_eq!(arabic.name.en, None);
    assert_eq!(arabic.status, Status::UnderConstruction);

    let english = validate_value(&english_only_record()).unwrap();
    assert_eq!(english.name.ar, None);
    assert_eq!(english.employment, Some(0));
    assert_eq!(english.products[0].hs, None);
}

#[test]
fn strings_trimmed_and_blanks_dropped() {
    let value = merged(
        &minimal_record(),
        &json!({
            "id": " QA-0007 ",
            "name": {"ar": "  ", "en": "  Mesaieed Steel Mill\t"},
            "description": {"ar": "", "en": " "},
            "source": "   ",
            "city": null,
            "products": [],
            "visibility": ""
        }),
    );

    let record = validate_value(&value).unwrap();

    assert_eq!(record, validate_value(&minimal_record()).unwrap());
}

#[test]
fn boundary_values_pass() {
    let patch = json!({
        "id": "a".repeat(128),
        "name": {"en": "n".repeat(300)},
        "description": {"ar": "و".repeat(5_000)},
        "products": products(200),
        "location": {"lat": -90, "lon": 180},
        "investment": {"amount": 9.99e12},
        "capacity": {"value": 0},
        "employment": 10_000_000,
        "start_year": 1900,
        "completion_year": 2100,
        "updated_at": "2025-03-01T09:30:00.5+03:00"
    });

    let result = validate_value(&merged(&full_record(), &patch));

    assert!(result.is_ok(), "{result:#?}");
}

#[test]
fn whole_float_counts_as_integer() {
    let value = merged(
        &full_record(),
        &json!({"employment": 850.0, "start_year": 2019.0}),
    );

    let record = validate_value(&value).unwrap();

    assert_eq!(record.employment, Some(850));
    assert_eq!(record.start_year, Some(2019));
}

#[test]
fn same_years_pass() {
    let value = merged(
        &full_record(),
        &json!({"start_year": 2020, "completion_year": 2020}),
    );

    assert!(validate_value(&value).is_ok());
}
