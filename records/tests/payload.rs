//! Content hashes, derived fields and the indexer payload.

mod common;

use std::collections::HashSet;

use common::{
    arabic_only_record, english_only_record, full_record, merged, minimal_record, without,
};
use gip_records::{Country, Currency, Record, usd_per_unit, validate_value};
use serde_json::{Value, json};

fn record(value: &Value) -> Record {
    validate_value(value).unwrap()
}

/// Pinned hash of `full_record()`. It matches the SHA-256 of Python's
/// `json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
/// with the amount written as `1500000000.0`. A change here changes every
/// stored hash, so change it only with a deliberate change of the canonical form.
const FULL_RECORD_HASH: &str = "e362188a3d14afaaf6055456c7fc51c117fd2fe75df56dfed2ef29e121e6fa87";

#[test]
fn content_hash_is_pinned() {
    let hash = record(&full_record()).content_hash();

    assert_eq!(hash, FULL_RECORD_HASH);
}

#[test]
fn content_hash_is_hex_sha256() {
    let hash = record(&minimal_record()).content_hash();

    assert_eq!(hash.len(), 64);
    assert!(
        hash.bytes()
            .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
    );
}

#[test]
fn content_hash_changes_with_each_field() {
    let changes = [
        json!({"id": "SA-JUB-0002"}),
        json!({"country": "AE"}),
        json!({"name": {"ar": "مصنع الجبيل للأمونيا 2"}}),
        json!({"name": {"en": "Jubail Ammonia Plant 2"}}),
        json!({"description": {"ar": "نص آخر."}}),
        json!({"description": {"en": "Other text."}}),
        json!({"sector": {"isic": "2011"}}),
        json!({"products": [{"name": {"en": "ammonia"}, "hs": "281410"}]}),
        json!({"products": [{"name": {"en": "ammonia"}, "hs": "2814"}, {"name": {"ar": "يوريا"}, "hs": "310210"}]}),
        json!({"products": [{"name": {"en": "ammonia"}, "hs": "281410"}, {"name": {"en": "urea"}, "hs": "310210"}]}),
        json!({"status": "suspended"}),
        json!({"city": {"ar": "الدمام"}}),
        json!({"city": {"en": "Dammam"}}),
        json!({"zone": {"ar": "منطقة أخرى"}}),
        json!({"zone": {"en": "Other Zone"}}),
        json!({"location": {"lat": 27.0113}}),
        json!({"location": {"lon": 49.6584}}),
        json!({"investment": {"amount": 1500000001}}),
        json!({"investment": {"currency": "USD"}}),
        json!({"capacity": {"value": 1.3}}),
        json!({"capacity": {"unit": "million tonnes per day"}}),
        json!({"employment": 851}),
        json!({"start_year": 2018}),
        json!({"completion_year": 2024}),
        json!({"owner": {"ar": "مالك آخر"}}),
        json!({"owner": {"en": "Other Owner"}}),
        json!({"source": "another source"}),
        json!({"visibility": "national"}),
        json!({"updated_at": "2025-03-01T00:00:01Z"}),
    ];
    let removals = [
        "description",
        "products",
        "city",
        "zone",
        "location",
        "investment",
        "capacity",
        "employment",
        "start_year",
        "completion_year",
        "owner",
        "source",
        "updated_at",
        "name.ar",
        "name.en",
    ];
    let base = record(&full_record()).content_hash();

    let mut hashes = HashSet::from([base.clone()]);
    for change in &changes {
        let hash = record(&merged(&full_record(), change)).content_hash();
        assert_ne!(hash, base, "change {change} kept the hash");
        assert!(
            hashes.insert(hash),
            "change {change} collides with another change"
        );
    }
    for path in removals {
        let hash = record(&without(&full_record(), path)).content_hash();
        assert_ne!(hash, base, "removing {path} kept the hash");
        assert!(
            hashes.insert(hash),
            "removing {path} collides with another change"
        );
    }
}

#[test]
fn omitted_visibility_hashes_as_public() {
    let omitted = without(&full_record(), "visibility");
    let explicit = merged(&full_record(), &json!({"visibility": "public"}));

    assert_eq!(
        record(&omitted).content_hash(),
        record(&explicit).content_hash()
    );
}

#[test]
fn content_hash_ignores_input_form() {
    let reordered: Value = serde_json::from_str(
        r#"{"status": "planned", "sector": {"isic": "24"}, "name": {"en": "  Mesaieed Steel Mill "},
            "country": "QA", "id": "QA-0007", "visibility": "public", "description": {"ar": ""}}"#,
    )
    .unwrap();

    let hash = record(&reordered).content_hash();

    assert_eq!(hash, record(&minimal_record()).content_hash());
}

#[test]
fn serialized_record_validates_unchanged() {
    for value in [
        full_record(),
        minimal_record(),
        arabic_only_record(),
        english_only_record(),
    ] {
        let original = record(&value);

        let serialized = serde_json::to_value(&original).unwrap();
        let reparsed = record(&serialized);

        assert_eq!(reparsed, original);
        assert_eq!(reparsed.content_hash(), original.content_hash());
    }
}

#[test]
fn investment_usd_at_pegged_rates() {
    let cases = [
        ("USD", 250_000_000.0, 250_000_000.0),
        ("SAR", 1_500_000_000.0, 400_000_000.0),
        ("AED", 3_672_500_000.0, 1_000_000_000.0),
        ("QAR", 364_000_000.0, 100_000_000.0),
        ("BHD", 37_600_000.0, 100_000_000.0),
        ("OMR", 384_500_000.0, 1_000_000_000.0),
        ("KWD", 100_000_000.0, 325_000_000.0),
    ];

    for (currency, amount, expected) in cases {
        let value = merged(
            &full_record(),
            &json!({"investment": {"amount": amount, "currency": currency}}),
        );

        let usd = record(&value).investment_usd().unwrap();

        assert!(
            (usd - expected).abs() <= expected * 1e-12,
            "{amount} {currency} gave {usd}, expected {expected}"
        );
    }
}

#[test]
fn investment_usd_absent_without_investment() {
    assert_eq!(record(&minimal_record()).investment_usd(), None);
}

#[test]
fn usd_per_unit_by_code() {
    assert_eq!(usd_per_unit("USD"), Some(1.0));
    assert_eq!(usd_per_unit("SAR"), Some(1.0 / 3.75));
    assert_eq!(usd_per_unit("AED"), Some(1.0 / 3.6725));
    assert_eq!(usd_per_unit("QAR"), Some(1.0 / 3.64));
    assert_eq!(usd_per_unit("BHD"), Some(1.0 / 0.376));
    assert_eq!(usd_per_unit("OMR"), Some(1.0 / 0.3845));
    assert_eq!(usd_per_unit("KWD"), Some(3.25));
    assert_eq!(usd_per_unit("EUR"), None);
    assert_eq!(usd_per_unit("sar"), None);
    assert_eq!(usd_per_unit(""), None);
    for currency in Currency::ALL {
        assert_eq!(usd_per_unit(currency.code()), Some(currency.usd_per_unit()));
    }
}

#[test]
fn isic_division_from_each_level() {
    for (isic, division) in [("2012", "20"), ("242", "24"), ("10", "10"), ("0610", "06")] {
        let value = merged(&minimal_record(), &json!({"sector": {"isic": isic}}));

        assert_eq!(record(&value).isic_division(), division, "isic {isic}");
    }
}

#[test]
fn payload_adds_derived_fields() {
    let original = record(&full_record());

    let payload = original.to_payload();

    let fields = payload.as_object().unwrap();
    assert_eq!(fields["isic_division"], json!("20"));
    let usd = fields["investment_usd"].as_f64().unwrap();
    assert!((usd - 400_000_000.0).abs() < 1e-3, "{usd}");
    assert_eq!(fields["id"], json!("SA-JUB-0001"));
    assert_eq!(
        fields["name"],
        json!({"ar": "مصنع الجبيل للأمونيا", "en": "Jubail Ammonia Plant"})
    );
    assert_eq!(fields["visibility"], json!("gcc"));
    assert_eq!(fields.len(), 19 + 2);
}

#[test]
fn payload_without_investment() {
    let payload = record(&minimal_record()).to_payload();

    let fields = payload.as_object().unwrap();
    assert!(!fields.contains_key("investment_usd"));
    assert_eq!(fields["isic_division"], json!("24"));
    assert_eq!(fields["visibility"], json!("public"));
    assert!(!fields.contains_key("products"));
}

#[test]
fn payload_deserializes_to_record() {
    let original = record(&full_record());

    let restored: Record = serde_json::from_value(original.to_payload()).unwrap();

    assert_eq!(restored, original);
}

#[test]
fn country_names_and_codes() {
    assert_eq!(Country::ALL.len(), 6);
    assert_eq!(Country::SA.name_en(), "Saudi Arabia");
    assert_eq!(Country::OM.name_ar(), "سلطنة عُمان");
    for country in Country::ALL {
        assert_eq!(country.code().parse::<Country>(), Ok(country));
        assert_eq!(
            serde_json::to_value(country).unwrap(),
            json!(country.code())
        );
        assert!(!country.name_ar().is_empty());
    }
    assert!("SAU".parse::<Country>().is_err());
}
