//! Records shared by the integration tests.

#![allow(dead_code)]

use serde_json::{Value, json};

/// Returns a record with every field of schema v1 filled in.
pub fn full_record() -> Value {
    json!({
        "id": "SA-JUB-0001",
        "country": "SA",
        "name": {"ar": "مصنع الجبيل للأمونيا", "en": "Jubail Ammonia Plant"},
        "description": {"ar": "مصنع لإنتاج الأمونيا واليوريا.", "en": "Plant producing ammonia and urea."},
        "sector": {"isic": "2012"},
        "products": [
            {"name": {"en": "ammonia"}, "hs": "281410"},
            {"name": {"ar": "يوريا"}, "hs": "310210"}
        ],
        "status": "operational",
        "city": {"ar": "الجبيل", "en": "Jubail"},
        "zone": {"ar": "مدينة الجبيل الصناعية", "en": "Jubail Industrial City"},
        "location": {"lat": 27.0112, "lon": 49.6583},
        "investment": {"amount": 1500000000, "currency": "SAR"},
        "capacity": {"value": 1.2, "unit": "million tonnes per year"},
        "employment": 850,
        "start_year": 2019,
        "completion_year": 2023,
        "owner": {"ar": "شركة الجبيل للأسمدة", "en": "Jubail Fertilizer Company"},
        "source": "test fixture",
        "visibility": "gcc",
        "updated_at": "2025-03-01T00:00:00Z"
    })
}

/// Returns a record with only the required fields.
pub fn minimal_record() -> Value {
    json!({
        "id": "QA-0007",
        "country": "QA",
        "name": {"en": "Mesaieed Steel Mill"},
        "sector": {"isic": "24"},
        "status": "planned"
    })
}

/// Returns a record whose text is in Arabic only.
pub fn arabic_only_record() -> Value {
    json!({
        "id": "OM-0003",
        "country": "OM",
        "name": {"ar": "مصهر صحار للألمنيوم"},
        "description": {"ar": "مصهر ألمنيوم في ميناء صحار."},
        "sector": {"isic": "242"},
        "products": [{"name": {"ar": "ألمنيوم أولي"}, "hs": "7601"}],
        "status": "under_construction",
        "city": {"ar": "صحار"},
        "owner": {"ar": "صحار ألمنيوم"},
        "investment": {"amount": 95000000, "currency": "OMR"},
        "start_year": 2024
    })
}

/// Returns a record whose text is in English only.
pub fn english_only_record() -> Value {
    json!({
        "id": "KW-0011",
        "country": "KW",
        "name": {"en": "Shuaiba Polypropylene Expansion"},
        "description": {"en": "Adds a polypropylene line to the Shuaiba complex."},
        "sector": {"isic": "2013"},
        "products": [{"name": {"en": "polypropylene"}}],
        "status": "suspended",
        "zone": {"en": "Shuaiba Industrial Area"},
        "location": {"lat": 29.04, "lon": 48.16},
        "investment": {"amount": 120000000.5, "currency": "KWD"},
        "capacity": {"value": 450, "unit": "thousand tonnes per year"},
        "employment": 0,
        "visibility": "national",
        "updated_at": "2024-11-30T23:59:59.250+03:00"
    })
}

/// Returns `base` with `patch` merged in: objects merge key by key, any
/// other patch value replaces the base value.
pub fn merged(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(base_fields), Value::Object(patch_fields)) => {
            let mut fields = base_fields.clone();
            for (key, patch_value) in patch_fields {
                let value = match fields.get(key) {
                    Some(base_value) => merged(base_value, patch_value),
                    None => patch_value.clone(),
                };
                fields.insert(key.clone(), value);
            }
            Value::Object(fields)
        }
        _ => patch.clone(),
    }
}

/// Returns `base` without the field at a dotted path such as `location.lon`.
pub fn without(base: &Value, path: &str) -> Value {
    let mut value = base.clone();
    let mut current = &mut value;
    let mut keys = path.split('.').peekable();

    while let Some(key) = keys.next() {
        let Some(object) = current.as_object_mut() else {
            break;
        };
        if keys.peek().is_none() {
            object.remove(key);
            break;
        }
        match object.get_mut(key) {
            Some(child) => current = child,
            None => break,
        }
    }
    value
}

/// Returns `true` when `text` contains a letter of the Arabic block.
pub fn has_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c))
}
