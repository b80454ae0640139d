//! Arbitrary input never panics, and every accepted record survives a
//! serialize-and-validate round trip unchanged.

mod common;

use common::full_record;
use gip_records::{FIELDS, InputFormat, read_records, validate_value};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |number| number.is_finite())
            .prop_map(Value::from),
        "[ -~]{0,12}|[\\u{0600}-\\u{06FF} ]{0,12}|[0-9]{1,7}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_.]{1,8}|ar|en|lat|lon|isic|hs|name", inner, 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn assert_round_trip(value: &Value) {
    if let Ok(record) = validate_value(value) {
        let serialized = serde_json::to_value(&record).unwrap();
        let reparsed = validate_value(&serialized).unwrap();
        assert_eq!(reparsed, record);
        assert_eq!(reparsed.content_hash(), record.content_hash());
    }
}

proptest! {
    #[test]
    fn any_json_value_validates_without_panic(value in json_value()) {
        if let Err(problems) = validate_value(&value) {
            prop_assert!(!problems.is_empty());
        }
        assert_round_trip(&value);
    }

    #[test]
    fn any_field_value_validates_without_panic(field in prop::sample::select(FIELDS.to_vec()), value in json_value()) {
        let mut record = full_record();
        record[field] = value;

        match validate_value(&record) {
            Ok(_) => assert_round_trip(&record),
            Err(problems) => prop_assert!(!problems.is_empty()),
        }
    }

    #[test]
    fn any_bytes_read_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for format in [None, Some(InputFormat::JsonLines), Some(InputFormat::Csv)] {
            let _ = read_records(bytes.as_slice(), format);
        }
    }

    #[test]
    fn csv_like_text_reads_without_panic(body in "([ -~]|\\u{0627}|\\r|\\n|,|\"|;|\\|){0,300}") {
        let input = format!("id,country,name.ar,name.en,sector.isic,status,products,location.lat,employment\n{body}");
        let _ = read_records(input.as_bytes(), None);
    }
}
