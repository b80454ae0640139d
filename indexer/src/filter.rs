//! Backend-neutral filter over the stored payload, converted to each store's
//! own filter type.

use serde::{Deserialize, Serialize};

/// Exact constraints on records; empty lists mean "no constraint". Values
/// inside one list are alternatives; different fields combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchFilter {
    pub countries: Vec<String>,
    /// ISIC Rev.4 codes; a code matches every record code that starts with it.
    pub isic: Vec<String>,
    pub statuses: Vec<String>,
    pub investment_usd_min: Option<f64>,
    pub investment_usd_max: Option<f64>,
    /// Bounds on `start_year`, inclusive.
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Visibility levels the caller may read; empty means all.
    pub visibility: Vec<String>,
    /// National records of these countries are readable too (a member state's key).
    pub national_countries: Vec<String>,
    pub exclude_ids: Vec<String>,
}
