//! The project record of schema v1 and the values derived from it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::currency::Currency;

/// One industrial project, schema v1.
///
/// A `Record` built by [`crate::validate_value`] or [`crate::read_records`]
/// satisfies every schema rule: strings are trimmed and non-empty, codes are
/// valid and numbers are in range. The derived `Deserialize` checks only the
/// shape, so use it for data this crate already validated (for example a
/// stored payload, whose derived fields it ignores) and `validate_value` for
/// anything else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable identifier matching `[A-Za-z0-9._:-]{1,128}`, unique in a corpus.
    pub id: String,
    pub country: Country,
    /// Project name, with at least one language present.
    pub name: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized>,
    pub sector: Sector,
    /// Products, at most 200. An empty list and an absent field are the same
    /// record, so the list is not wrapped in `Option`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<Localized>,
    /// Industrial city, industrial zone or free zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Localized>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment: Option<Investment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    /// Number of jobs, at most 10,000,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<u32>,
    /// Year construction started or is planned to start, 1900 to 2100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<u16>,
    /// Year of completion (expected for unfinished projects), 1900 to 2100
    /// and not before `start_year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_year: Option<u16>,
    /// Owning company or authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Localized>,
    /// Free text naming where the record came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Audience allowed to see the record, `Public` when the input omits it.
    /// Always serialized, so an omitted and an explicit `"public"` hash the same.
    #[serde(default)]
    pub visibility: Visibility,
    /// Last change, an RFC 3339 date-time kept as written (offset included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// Text in Arabic and English. Each language is optional; a present one is
/// trimmed and non-empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// Returns `true` when neither language is present.
    pub fn is_empty(&self) -> bool {
        self.ar.is_none() && self.en.is_none()
    }
}

/// A product of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Product name, with at least one language present.
    pub name: Localized,
    /// Harmonized System code, 4 to 6 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs: Option<String>,
}

/// Economic activity of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sector {
    /// ISIC Rev.4 code of 2 to 4 digits: division, group or class.
    pub isic: String,
}

/// WGS84 position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Latitude in [-90, 90].
    pub lat: f64,
    /// Longitude in [-180, 180].
    pub lon: f64,
}

/// Total capital cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Investment {
    /// Amount in whole units of `currency` (not thousands or millions),
    /// greater than 0 and less than 1e13.
    pub amount: f64,
    pub currency: Currency,
}

/// Production capacity, e.g. 1.2 "million tonnes per year".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// Value in `unit`, at least 0.
    pub value: f64,
    /// Free-text unit in Arabic or English.
    pub unit: String,
}

/// Project stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Planned,
    UnderConstruction,
    Operational,
    Suspended,
    Cancelled,
}

impl Status {
    /// All stages, in the order used in messages.
    pub const ALL: [Status; 5] = [
        Status::Planned,
        Status::UnderConstruction,
        Status::Operational,
        Status::Suspended,
        Status::Cancelled,
    ];

    /// Returns the schema value, e.g. `"under_construction"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::UnderConstruction => "under_construction",
            Status::Operational => "operational",
            Status::Suspended => "suspended",
            Status::Cancelled => "cancelled",
        }
    }
}

/// Audience allowed to read a record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone.
    #[default]
    Public,
    /// Users from any GCC state.
    Gcc,
    /// Users from the record's own state.
    National,
}

impl Visibility {
    /// All levels, in the order used in messages.
    pub const ALL: [Visibility; 3] = [Visibility::Public, Visibility::Gcc, Visibility::National];

    /// Returns the schema value, e.g. `"gcc"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Gcc => "gcc",
            Visibility::National => "national",
        }
    }
}

/// GCC member state, serialized as its ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Country {
    SA,
    AE,
    QA,
    KW,
    BH,
    OM,
}

impl Country {
    /// All six states, in the order used in messages.
    pub const ALL: [Country; 6] = [
        Country::SA,
        Country::AE,
        Country::QA,
        Country::KW,
        Country::BH,
        Country::OM,
    ];

    /// Returns the ISO 3166-1 alpha-2 code, e.g. `"SA"`.
    pub fn code(self) -> &'static str {
        match self {
            Country::SA => "SA",
            Country::AE => "AE",
            Country::QA => "QA",
            Country::KW => "KW",
            Country::BH => "BH",
            Country::OM => "OM",
        }
    }

    /// Returns the short English name, e.g. "Saudi Arabia".
    pub fn name_en(self) -> &'static str {
        match self {
            Country::SA => "Saudi Arabia",
            Country::AE => "United Arab Emirates",
            Country::QA => "Qatar",
            Country::KW => "Kuwait",
            Country::BH => "Bahrain",
            Country::OM => "Oman",
        }
    }

    /// Returns the Arabic name as the state itself writes it, e.g. "المملكة العربية السعودية".
    pub fn name_ar(self) -> &'static str {
        match self {
            Country::SA => "المملكة العربية السعودية",
            Country::AE => "الإمارات العربية المتحدة",
            Country::QA => "قطر",
            Country::KW => "الكويت",
            Country::BH => "البحرين",
            Country::OM => "سلطنة عُمان",
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error of [`Country::from_str`]: the code is not a GCC state's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "country {0:?} is not one of SA, AE, QA, KW, BH, OM; use the ISO 3166-1 alpha-2 code in capitals"
)]
pub struct UnknownCountry(pub String);

impl FromStr for Country {
    type Err = UnknownCountry;

    /// Parses an ISO 3166-1 alpha-2 code. Matching is exact: `"sa"` is rejected.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Country::ALL
            .into_iter()
            .find(|country| country.code() == code)
            .ok_or_else(|| UnknownCountry(code.to_string()))
    }
}

impl Record {
    /// Computes the SHA-256 of the record's canonical JSON form, as 64
    /// lowercase hex digits.
    ///
    /// The canonical form is the record serialized by this crate (absent
    /// optional fields omitted, `visibility` always written, numbers as
    /// `serde_json` writes an `f64` or integer) with object keys sorted by
    /// code point and no whitespace. Every field counts, `updated_at`
    /// included, so a re-pushed record with only a new timestamp gets a new
    /// hash. Equal records always have equal hashes.
    pub fn content_hash(&self) -> String {
        let mut canonical = String::new();
        write_canonical_json(&self.to_json(), &mut canonical);

        hex::encode(Sha256::digest(canonical.as_bytes()))
    }

    /// Converts the investment to US dollars at the rates of
    /// [`Currency::usd_per_unit`], or returns `None` without an investment.
    /// The result is approximate for KWD amounts.
    pub fn investment_usd(&self) -> Option<f64> {
        self.investment
            .map(|investment| investment.amount * investment.currency.usd_per_unit())
    }

    /// Returns the ISIC Rev.4 division: the first two digits of `sector.isic`.
    /// For a record that did not pass validation, returns the code's first
    /// two characters, or fewer if it is shorter.
    pub fn isic_division(&self) -> String {
        self.sector.isic.chars().take(2).collect()
    }

    /// Builds the JSON document the indexer stores: the record as serialized
    /// by this crate plus the derived fields `investment_usd` (only with an
    /// investment) and `isic_division`.
    ///
    /// Derived fields sit at the top level next to the record's fields, and
    /// no schema v1 field shares their names.
    pub fn to_payload(&self) -> Value {
        let mut payload = match self.to_json() {
            Value::Object(fields) => fields,
            // A struct always serializes to an object; this arm keeps the
            // function total without a panic.
            other => {
                let mut fields = Map::new();
                fields.insert("record".to_string(), other);
                fields
            }
        };

        if let Some(usd) = self.investment_usd().and_then(serde_json::Number::from_f64) {
            payload.insert("investment_usd".to_string(), Value::Number(usd));
        }
        payload.insert(
            "isic_division".to_string(),
            Value::String(self.isic_division()),
        );

        Value::Object(payload)
    }

    /// Serializes the record. Infallible in practice: every field is a
    /// string, an integer, a finite float or a unit enum.
    fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Writes `value` with object keys sorted and no whitespace.
///
/// Written by hand, not left to `serde_json::to_string`, because `Map` keeps
/// insertion order whenever any crate in the build enables serde_json's
/// `preserve_order` feature, and the hash must not depend on that.
fn write_canonical_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();

            out.push('{');
            for (position, key) in keys.into_iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical_json(&fields[key.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_canonical_json(item, out);
            }
            out.push(']');
        }
        // Scalars: serde_json escapes only `"`, `\` and control characters and
        // writes floats in their shortest round-trip form.
        scalar => out.push_str(&scalar.to_string()),
    }
}
