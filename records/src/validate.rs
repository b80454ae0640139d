//! Schema v1 validation of one JSON value.
//!
//! The checks walk the `serde_json::Value` by hand instead of deriving
//! `Deserialize`, because serde stops at the first error and words it in
//! English only. Senders need every problem of a record at once, in English
//! and Arabic, with the path of each field.

use serde_json::{Map, Value};

use crate::currency::Currency;
use crate::messages::{self, Expected};
use crate::problem::Problem;
use crate::record::{
    Capacity, Country, Investment, Localized, Location, Product, Record, Sector, Status, Visibility,
};

/// Maximum length of an id, in characters.
pub const ID_MAX_CHARS: usize = 128;
/// Maximum length of each language of a name (project, product, city, zone,
/// owner) and of `capacity.unit`, in characters.
pub const NAME_MAX_CHARS: usize = 300;
/// Maximum length of each language of `description`, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
/// Maximum length of `source`, in characters.
// NOTE: the schema sets no limit on `source`; 1,000 is this crate's choice,
// to keep free text bounded.
pub const SOURCE_MAX_CHARS: usize = 1_000;
/// Maximum number of `products`.
pub const PRODUCTS_MAX: usize = 200;
/// Maximum `employment`, in jobs.
pub const EMPLOYMENT_MAX: i64 = 10_000_000;
/// Exclusive upper bound of `investment.amount`, in units of its currency.
pub const INVESTMENT_AMOUNT_LIMIT: f64 = 1e13;
/// Earliest accepted `start_year` and `completion_year`.
pub const YEAR_MIN: i64 = 1900;
/// Latest accepted `start_year` and `completion_year`.
pub const YEAR_MAX: i64 = 2100;

/// Top-level fields of schema v1, in schema order.
pub const FIELDS: [&str; 19] = [
    "id",
    "country",
    "name",
    "description",
    "sector",
    "products",
    "status",
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
    "visibility",
    "updated_at",
];

const LANGUAGES: [&str; 2] = ["ar", "en"];
const NAME_HINT: (&str, &str) = (
    "give name.ar, name.en or both, e.g. {\"en\": \"Jubail Ammonia Plant\"}",
    "أدخل name.ar أو name.en أو كليهما، مثل {\"ar\": \"مصنع الجبيل للأمونيا\"}",
);

/// Parses and validates one record given as a JSON value.
///
/// Collects every problem of the record, not just the first, in schema field
/// order followed by unknown fields. Strings are trimmed. An empty string, a
/// `null` and an absent key all count as missing, and an optional text object
/// whose languages are all missing becomes `None`. Problems carry the
/// record's `id` when it was a non-empty string, but no line or index.
///
/// Returns `Err` with at least one problem when any rule is broken.
pub fn validate_value(value: &Value) -> Result<Record, Vec<Problem>> {
    let Some(fields) = value.as_object() else {
        return Err(vec![messages::record_not_object(value)]);
    };

    let mut checker = Checker::default();
    let record = checker.record(fields);
    let mut problems = checker.problems;

    match record {
        Some(record) if problems.is_empty() => Ok(record),
        _ => {
            let id = raw_id(fields);
            for problem in &mut problems {
                problem.id.clone_from(&id);
            }
            Err(problems)
        }
    }
}

/// Extracts the `id` as sent, trimmed and shortened, to label problems.
fn raw_id(fields: &Map<String, Value>) -> Option<String> {
    let id = fields.get("id")?.as_str()?.trim();
    if id.is_empty() {
        return None;
    }

    Some(id.chars().take(2 * ID_MAX_CHARS).collect())
}

/// Accumulates problems while reading one record.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Reads every field. Returns `None` when a required field is unusable,
    /// in which case at least one problem was pushed.
    fn record(&mut self, fields: &Map<String, Value>) -> Option<Record> {
        let id = self.id(fields.get("id"));
        let country = self.country(fields.get("country"));
        let name = self.required_localized(fields.get("name"), "name", NAME_MAX_CHARS, NAME_HINT);
        let description = self.localized(
            fields.get("description"),
            "description",
            DESCRIPTION_MAX_CHARS,
        );
        let sector = self.sector(fields.get("sector"));
        let products = self.products(fields.get("products"));
        let status = self.status(fields.get("status"));
        let city = self.localized(fields.get("city"), "city", NAME_MAX_CHARS);
        let zone = self.localized(fields.get("zone"), "zone", NAME_MAX_CHARS);
        let location = self.location(fields.get("location"));
        let investment = self.investment(fields.get("investment"));
        let capacity = self.capacity(fields.get("capacity"));
        let employment = self.integer(
            fields.get("employment"),
            "employment",
            0,
            EMPLOYMENT_MAX,
            "between 0 and 10,000,000 jobs",
            "بين 0 و10,000,000 وظيفة",
        );
        let start_year = self.year(fields.get("start_year"), "start_year");
        let completion_year = self.year(fields.get("completion_year"), "completion_year");
        let owner = self.localized(fields.get("owner"), "owner", NAME_MAX_CHARS);
        let source = self.text(fields.get("source"), "source", SOURCE_MAX_CHARS);
        let visibility = self.visibility(fields.get("visibility"));
        let updated_at = self.timestamp(fields.get("updated_at"), "updated_at");

        if let (Some(start), Some(completion)) = (start_year, completion_year)
            && completion < start
        {
            self.push(messages::completion_before_start(completion, start));
        }

        self.unknown_keys(fields, "", &FIELDS);

        Some(Record {
            id: id?,
            country: country?,
            name: name?,
            description,
            sector: sector?,
            products,
            status: status?,
            city,
            zone,
            location,
            investment,
            capacity,
            employment: employment.and_then(|jobs| u32::try_from(jobs).ok()),
            start_year: start_year.and_then(|year| u16::try_from(year).ok()),
            completion_year: completion_year.and_then(|year| u16::try_from(year).ok()),
            owner,
            source,
            visibility: visibility.unwrap_or_default(),
            updated_at,
        })
    }

    /// Reports each key of `object` outside `allowed`, suggesting a close
    /// allowed key for likely typos such as `stauts`.
    fn unknown_keys(&mut self, object: &Map<String, Value>, path: &str, allowed: &[&str]) {
        for key in object.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }

            let field = join_path(path, key);
            let suggestion = closest_key(key, allowed);
            self.push(messages::unknown_field(&field, key, suggestion, allowed));
        }
    }

    /// Reads an optional string: trimmed, `None` when empty, `null` or absent.
    /// Pushes a problem and returns `None` for a non-string or a string longer
    /// than `max_chars`.
    fn text(&mut self, value: Option<&Value>, field: &str, max_chars: usize) -> Option<String> {
        let text = match value? {
            Value::Null => return None,
            Value::String(text) => text.trim(),
            other => {
                self.push(messages::wrong_type(field, Expected::String, other, None));
                return None;
            }
        };

        if text.is_empty() {
            return None;
        }

        let chars = text.chars().count();
        if chars > max_chars {
            self.push(messages::too_long(field, chars, max_chars));
            return None;
        }

        Some(text.to_string())
    }

    /// Reads a required string, pushing a "missing" problem when it is absent
    /// or empty and no other problem was pushed for it.
    fn required_text(
        &mut self,
        value: Option<&Value>,
        field: &str,
        max_chars: usize,
        hint: (&str, &str),
    ) -> Option<String> {
        let before = self.problems.len();
        let text = self.text(value, field, max_chars);

        if text.is_none() && self.problems.len() == before {
            self.push(messages::missing(field, hint.0, hint.1));
        }
        text
    }

    /// Reads an optional `{"ar": …, "en": …}` object. `None` when absent or
    /// when both languages are missing.
    fn localized(
        &mut self,
        value: Option<&Value>,
        field: &str,
        max_chars: usize,
    ) -> Option<Localized> {
        let object = match value? {
            Value::Null => return None,
            Value::Object(object) => object,
            Value::String(text) => {
                let language = if contains_arabic(text) { "ar" } else { "en" };
                let hint_en = format!(
                    "write it as {{\"{language}\": {}}}",
                    messages::quote(text.trim())
                );
                let hint_ar = format!(
                    "اكتبه بالشكل {{\"{language}\": {}}}",
                    messages::quote(text.trim())
                );
                let found = Value::String(text.clone());
                self.push(messages::wrong_type(
                    field,
                    Expected::Object,
                    &found,
                    Some((&hint_en, &hint_ar)),
                ));
                return None;
            }
            other => {
                self.push(messages::wrong_type(field, Expected::Object, other, None));
                return None;
            }
        };

        self.unknown_keys(object, field, &LANGUAGES);
        let localized = Localized {
            ar: self.text(object.get("ar"), &join_path(field, "ar"), max_chars),
            en: self.text(object.get("en"), &join_path(field, "en"), max_chars),
        };

        (!localized.is_empty()).then_some(localized)
    }

    /// Reads a text object that needs at least one language. A "missing"
    /// problem is added unless the object itself or one of its languages was
    /// already reported, so `{"fr": "…"}` gets both "unknown field" and
    /// "missing".
    fn required_localized(
        &mut self,
        value: Option<&Value>,
        field: &str,
        max_chars: usize,
        hint: (&str, &str),
    ) -> Option<Localized> {
        let before = self.problems.len();
        let localized = self.localized(value, field, max_chars);

        let language_fields = LANGUAGES.map(|language| join_path(field, language));
        let already_reported = self.problems[before..]
            .iter()
            .any(|problem| problem.field == field || language_fields.contains(&problem.field));
        if localized.is_none() && !already_reported {
            self.push(messages::missing(field, hint.0, hint.1));
        }
        localized
    }

    /// Reads an optional JSON number. Numbers sent as strings are rejected.
    fn number(&mut self, value: Option<&Value>, field: &str) -> Option<f64> {
        match value? {
            Value::Null => None,
            Value::Number(number) => {
                let parsed = number.as_f64();
                if parsed.is_none() {
                    self.push(messages::wrong_type(
                        field,
                        Expected::Number,
                        &Value::Number(number.clone()),
                        None,
                    ));
                }
                parsed
            }
            Value::String(text) => {
                self.push(messages::number_as_string(field, text));
                None
            }
            other => {
                self.push(messages::wrong_type(field, Expected::Number, other, None));
                None
            }
        }
    }

    /// Reads a required JSON number.
    fn required_number(
        &mut self,
        value: Option<&Value>,
        field: &str,
        hint: (&str, &str),
    ) -> Option<f64> {
        let before = self.problems.len();
        let number = self.number(value, field);

        if number.is_none() && self.problems.len() == before {
            self.push(messages::missing(field, hint.0, hint.1));
        }
        number
    }

    /// Reads an optional whole number in `min..=max`. A number with a zero
    /// fractional part, such as `850.0`, counts as whole, as in JSON Schema.
    fn integer(
        &mut self,
        value: Option<&Value>,
        field: &str,
        min: i64,
        max: i64,
        bounds_en: &str,
        bounds_ar: &str,
    ) -> Option<i64> {
        let written = match value {
            Some(Value::Number(number)) => number.to_string(),
            _ => String::new(),
        };
        let number = self.number(value, field)?;

        if number.fract() != 0.0 {
            self.push(messages::not_whole_number(field, &written));
            return None;
        }
        if number < min as f64 || number > max as f64 {
            self.push(messages::out_of_range(
                field, &written, bounds_en, bounds_ar,
            ));
            return None;
        }

        // In range, so the cast is exact.
        Some(number as i64)
    }

    fn year(&mut self, value: Option<&Value>, field: &str) -> Option<i64> {
        self.integer(
            value,
            field,
            YEAR_MIN,
            YEAR_MAX,
            "a year between 1900 and 2100",
            "سنة بين 1900 و2100",
        )
    }

    /// Reads a JSON object, pushing a wrong-type problem for anything else.
    /// `None` when absent or `null`.
    fn object<'v>(
        &mut self,
        value: Option<&'v Value>,
        field: &str,
        hint: Option<(&str, &str)>,
    ) -> Option<&'v Map<String, Value>> {
        match value? {
            Value::Null => None,
            Value::Object(object) => Some(object),
            other => {
                self.push(messages::wrong_type(field, Expected::Object, other, hint));
                None
            }
        }
    }

    fn id(&mut self, value: Option<&Value>) -> Option<String> {
        let hint = (
            "add a stable identifier such as \"SA-0001\"",
            "أضف معرّفًا ثابتًا مثل \"SA-0001\"",
        );
        // The length is checked below with a message that names the rule.
        let id = self.required_text(value, "id", usize::MAX, hint)?;

        if id.chars().count() > ID_MAX_CHARS || !id.chars().all(messages::is_id_char) {
            self.push(messages::invalid_id(&id, ID_MAX_CHARS));
            return None;
        }
        Some(id)
    }

    fn country(&mut self, value: Option<&Value>) -> Option<Country> {
        let codes = Country::ALL.map(Country::code);
        let hint = (
            "add one of SA, AE, QA, KW, BH, OM",
            "أضف أحد الرموز SA أو AE أو QA أو KW أو BH أو OM",
        );
        let code = self.required_text(value, "country", usize::MAX, hint)?;

        let country = code.parse::<Country>().ok();
        if country.is_none() {
            self.push(messages::invalid_country(&code, &codes));
        }
        country
    }

    fn status(&mut self, value: Option<&Value>) -> Option<Status> {
        let values = Status::ALL.map(Status::as_str);
        let hint = (
            "add one of planned, under_construction, operational, suspended, cancelled",
            "أضف إحدى القيم planned أو under_construction أو operational أو suspended أو cancelled",
        );
        let text = self.required_text(value, "status", usize::MAX, hint)?;

        let status = Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text);
        if status.is_none() {
            self.push(messages::not_one_of(
                "status",
                &text,
                &values,
                "use one of these stage names in lower case",
            ));
        }
        status
    }

    fn visibility(&mut self, value: Option<&Value>) -> Option<Visibility> {
        let values = Visibility::ALL.map(Visibility::as_str);
        let text = self.text(value, "visibility", usize::MAX)?;

        let visibility = Visibility::ALL
            .into_iter()
            .find(|visibility| visibility.as_str() == text);
        if visibility.is_none() {
            self.push(messages::not_one_of(
                "visibility",
                &text,
                &values,
                "use one of these in lower case or leave it out for public",
            ));
        }
        visibility
    }

    /// Reads an optional code written as a string, rejecting a JSON number
    /// because a number loses leading zeros. The caller checks the digits.
    fn digit_code(&mut self, value: Option<&Value>, field: &str, example: &str) -> Option<String> {
        if let Some(number @ Value::Number(_)) = value {
            self.push(messages::code_as_number(field, number, example));
            return None;
        }
        self.text(value, field, usize::MAX)
    }

    fn sector(&mut self, value: Option<&Value>) -> Option<Sector> {
        let hint_en = "write it as {\"isic\": \"2011\"} with the ISIC Rev.4 code";
        let hint_ar = "اكتبه بالشكل {\"isic\": \"2011\"} مع رمز التصنيف ISIC Rev.4";
        let before = self.problems.len();
        let Some(object) = self.object(value, "sector", Some((hint_en, hint_ar))) else {
            if self.problems.len() == before {
                self.push(messages::missing("sector", hint_en, hint_ar));
            }
            return None;
        };

        self.unknown_keys(object, "sector", &["isic"]);

        let before = self.problems.len();
        let isic = self.digit_code(object.get("isic"), "sector.isic", "2011");
        let Some(isic) = isic else {
            if self.problems.len() == before {
                self.push(messages::missing(
                    "sector.isic",
                    "add the ISIC Rev.4 code of 2 to 4 digits, e.g. \"2011\"",
                    "أضف رمز التصنيف ISIC Rev.4 المكوّن من رقمين إلى أربعة أرقام، مثل \"2011\"",
                ));
            }
            return None;
        };

        if !is_digits(&isic, 2, 4) {
            self.push(messages::invalid_isic("sector.isic", &isic));
            return None;
        }
        Some(Sector { isic })
    }

    /// Reads the product list. Absent, `null` and `[]` all give an empty list.
    fn products(&mut self, value: Option<&Value>) -> Vec<Product> {
        let items = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                let hint = (
                    "write it as [{\"name\": {\"en\": \"urea\"}, \"hs\": \"310210\"}]",
                    "اكتبه بالشكل [{\"name\": {\"ar\": \"يوريا\"}, \"hs\": \"310210\"}]",
                );
                self.push(messages::wrong_type(
                    "products",
                    Expected::Array,
                    other,
                    Some(hint),
                ));
                return Vec::new();
            }
        };

        if items.len() > PRODUCTS_MAX {
            self.push(messages::too_many_products(items.len(), PRODUCTS_MAX));
        }

        let mut products = Vec::with_capacity(items.len().min(PRODUCTS_MAX));
        for (position, item) in items.iter().enumerate() {
            let field = format!("products[{position}]");
            if let Some(product) = self.product(item, &field) {
                products.push(product);
            }
        }
        products
    }

    fn product(&mut self, item: &Value, field: &str) -> Option<Product> {
        let hint = (
            "write each product as {\"name\": {\"en\": \"urea\"}, \"hs\": \"310210\"}",
            "اكتب كل منتج بالشكل {\"name\": {\"ar\": \"يوريا\"}, \"hs\": \"310210\"}",
        );
        let object = self.object(Some(item), field, Some(hint))?;
        self.unknown_keys(object, field, &["name", "hs"]);

        let name_field = join_path(field, "name");
        let name =
            self.required_localized(object.get("name"), &name_field, NAME_MAX_CHARS, NAME_HINT);

        let hs_field = join_path(field, "hs");
        let mut hs = self.digit_code(object.get("hs"), &hs_field, "310210");
        if let Some(code) = &hs
            && !is_digits(code, 4, 6)
        {
            self.push(messages::invalid_hs(&hs_field, code));
            hs = None;
        }

        Some(Product { name: name?, hs })
    }

    fn location(&mut self, value: Option<&Value>) -> Option<Location> {
        let hint = (
            "write it as {\"lat\": 27.01, \"lon\": 49.65} in WGS84 decimal degrees",
            "اكتبه بالشكل {\"lat\": 27.01, \"lon\": 49.65} بالدرجات العشرية وفق WGS84",
        );
        let object = self.object(value, "location", Some(hint))?;
        self.unknown_keys(object, "location", &["lat", "lon"]);

        let both = (
            "give both lat and lon in decimal degrees",
            "أدخل خط العرض lat وخط الطول lon معًا بالدرجات العشرية",
        );
        let lat = self.required_number(object.get("lat"), "location.lat", both);
        let lon = self.required_number(object.get("lon"), "location.lon", both);

        let lat = lat.filter(|&lat| {
            let valid = (-90.0..=90.0).contains(&lat);
            if !valid {
                self.push(messages::out_of_range(
                    "location.lat",
                    &lat.to_string(),
                    "a latitude between -90 and 90 degrees",
                    "خط عرض بين -90 و90 درجة",
                ));
            }
            valid
        });
        let lon = lon.filter(|&lon| {
            let valid = (-180.0..=180.0).contains(&lon);
            if !valid {
                self.push(messages::out_of_range(
                    "location.lon",
                    &lon.to_string(),
                    "a longitude between -180 and 180 degrees",
                    "خط طول بين -180 و180 درجة",
                ));
            }
            valid
        });

        // NOTE: points outside the GCC (roughly lat 12..33, lon 34..60) pass,
        // because the schema has no warning level for them yet.
        Some(Location {
            lat: lat?,
            lon: lon?,
        })
    }

    fn investment(&mut self, value: Option<&Value>) -> Option<Investment> {
        let hint = (
            "write it as {\"amount\": 1500000000, \"currency\": \"SAR\"}",
            "اكتبه بالشكل {\"amount\": 1500000000, \"currency\": \"SAR\"}",
        );
        let object = self.object(value, "investment", Some(hint))?;
        self.unknown_keys(object, "investment", &["amount", "currency"]);

        let amount_hint = (
            "give the amount in whole units of the currency, not thousands or millions",
            "أدخل المبلغ بوحدات العملة الكاملة، لا بالآلاف أو الملايين",
        );
        let amount = self
            .required_number(object.get("amount"), "investment.amount", amount_hint)
            .filter(|&amount| {
                let valid = amount > 0.0 && amount < INVESTMENT_AMOUNT_LIMIT;
                if !valid {
                    self.push(messages::out_of_range(
                        "investment.amount",
                        &amount.to_string(),
                        "greater than 0 and less than 1e13 (10 trillion), in whole units of the currency",
                        "أكبر من 0 وأقل من 10^13 (عشرة تريليونات) بوحدات العملة الكاملة",
                    ));
                }
                valid
            });

        let codes = Currency::ALL.map(Currency::code);
        let currency_hint = (
            "add one of USD, SAR, AED, QAR, KWD, BHD, OMR",
            "أضف أحد الرموز USD أو SAR أو AED أو QAR أو KWD أو BHD أو OMR",
        );
        let currency = self
            .required_text(
                object.get("currency"),
                "investment.currency",
                usize::MAX,
                currency_hint,
            )
            .and_then(|code| {
                let currency = code.parse::<Currency>().ok();
                if currency.is_none() {
                    self.push(messages::not_one_of(
                        "investment.currency",
                        &code,
                        &codes,
                        "use the ISO 4217 code",
                    ));
                }
                currency
            });

        Some(Investment {
            amount: amount?,
            currency: currency?,
        })
    }

    fn capacity(&mut self, value: Option<&Value>) -> Option<Capacity> {
        let hint = (
            "write it as {\"value\": 1.2, \"unit\": \"million tonnes per year\"}",
            "اكتبه بالشكل {\"value\": 1.2, \"unit\": \"مليون طن سنويًا\"}",
        );
        let object = self.object(value, "capacity", Some(hint))?;
        self.unknown_keys(object, "capacity", &["value", "unit"]);

        let value_hint = (
            "give the capacity as a number in the given unit",
            "أدخل الطاقة الإنتاجية رقمًا بالوحدة المذكورة",
        );
        let amount = self
            .required_number(object.get("value"), "capacity.value", value_hint)
            .filter(|&amount| {
                let valid = amount >= 0.0;
                if !valid {
                    self.push(messages::out_of_range(
                        "capacity.value",
                        &amount.to_string(),
                        "0 or greater",
                        "صفرًا أو أكثر",
                    ));
                }
                valid
            });

        let unit_hint = (
            "name the unit, e.g. \"million tonnes per year\"",
            "اذكر الوحدة، مثل \"مليون طن سنويًا\"",
        );
        let unit = self.required_text(
            object.get("unit"),
            "capacity.unit",
            NAME_MAX_CHARS,
            unit_hint,
        );

        Some(Capacity {
            value: amount?,
            unit: unit?,
        })
    }

    fn timestamp(&mut self, value: Option<&Value>, field: &str) -> Option<String> {
        let text = self.text(value, field, usize::MAX)?;

        match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(_) => Some(text),
            Err(error) => {
                self.push(messages::invalid_timestamp(
                    field,
                    &text,
                    &error.to_string(),
                ));
                None
            }
        }
    }
}

fn join_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Returns `true` when `text` is ASCII digits only, `min..=max` of them.
fn is_digits(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Returns `true` when `text` contains a letter of the Arabic script.
pub(crate) fn contains_arabic(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}')
            && c.is_alphabetic()
    })
}

/// Common names for schema keys that edit distance would not catch.
const KEY_ALIASES: [(&str, &str); 4] = [
    ("lng", "lon"),
    ("arabic", "ar"),
    ("english", "en"),
    ("hs_code", "hs"),
];

/// Picks the allowed key that an unknown key most likely means. Candidates,
/// in order: a known alias, then a key at most two edits away (an adjacent
/// swap counts as one) and under half the key's length, then a key it
/// starts with, as `latitude` starts with `lat`.
fn closest_key<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lowered = key.to_lowercase();

    let alias = KEY_ALIASES
        .iter()
        .find(|(alias, _)| *alias == lowered)
        .and_then(|(_, target)| {
            allowed
                .iter()
                .copied()
                .find(|candidate| candidate == target)
        });
    if alias.is_some() {
        return alias;
    }

    let by_edits = allowed
        .iter()
        .map(|&candidate| (strsim::osa_distance(&lowered, candidate), candidate))
        .filter(|&(distance, _)| distance <= 2 && 2 * distance < lowered.chars().count())
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate);

    by_edits.or_else(|| {
        allowed
            .iter()
            .copied()
            .filter(|candidate| candidate.len() >= 3 && lowered.starts_with(candidate))
            .max_by_key(|candidate| candidate.len())
    })
}
