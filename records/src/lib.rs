//! Project records of GIP Search, schema v1: the [`Record`] type, its
//! validation with problems worded in English and Arabic, and reading of
//! JSON Lines and CSV files.
//!
//! Member-state systems send the records. The indexer and the ingestion API
//! both read them through this crate, so they accept and reject the same input.
//!
//! ```
//! use gip_records::{read_records, InputFormat};
//!
//! let input = r#"{"id": "SA-0001", "country": "SA", "name": {"en": "Jubail Ammonia Plant"}, "sector": {"isic": "2012"}, "status": "operational"}
//! {"id": "SA-0002", "country": "SAU", "name": {"ar": "مصنع"}, "sector": {"isic": "2012"}, "stauts": "planned"}
//! "#;
//! let results = read_records(input.as_bytes(), Some(InputFormat::JsonLines)).unwrap();
//!
//! let (line, accepted) = &results[0];
//! assert_eq!(*line, 1);
//! assert_eq!(accepted.as_ref().unwrap().isic_division(), "20");
//!
//! let problems = results[1].1.as_ref().unwrap_err();
//! let fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
//! assert_eq!(fields, ["country", "status", "stauts"]);
//! ```

mod csv_input;
mod currency;
mod input;
mod messages;
mod problem;
mod record;
mod validate;

pub use csv_input::COLUMNS as CSV_COLUMNS;
pub use currency::{Currency, UnknownCurrency, usd_per_unit};
pub use input::{InputError, InputFormat, RecordResult, read_file, read_records};
pub use problem::{Problem, Rejected, partition_results};
pub use record::{
    Capacity, Country, Investment, Localized, Location, Product, Record, Sector, Status,
    UnknownCountry, Visibility,
};
pub use validate::{
    DESCRIPTION_MAX_CHARS, EMPLOYMENT_MAX, FIELDS, ID_MAX_CHARS, INVESTMENT_AMOUNT_LIMIT,
    NAME_MAX_CHARS, PRODUCTS_MAX, SOURCE_MAX_CHARS, YEAR_MAX, YEAR_MIN, validate_value,
};
