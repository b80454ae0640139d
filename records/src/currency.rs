//! Investment currencies and their conversion rates to US dollars.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Currency of an investment amount: the US dollar or one of the six GCC
/// currencies, written as its ISO 4217 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    USD,
    SAR,
    AED,
    QAR,
    KWD,
    BHD,
    OMR,
}

// US dollars per unit of each currency. Five GCC currencies are pegged to the
// dollar, so their rates are exact reciprocals of the official peg.
// NOTE: the central banks and years are as commonly reported and were not
// checked against the central banks' own publications here.

/// Saudi riyal: 3.75 SAR per USD, set by the Saudi Central Bank (SAMA) in 1986.
const SAR_PER_USD: f64 = 3.75;
/// UAE dirham: 3.6725 AED per USD, set by the Central Bank of the UAE in 1997
/// (the rate had held in practice since 1980).
const AED_PER_USD: f64 = 3.6725;
/// Qatari riyal: 3.64 QAR per USD, fixed by the Qatar Central Bank in 2001.
const QAR_PER_USD: f64 = 3.64;
/// Bahraini dinar: 0.376 BHD per USD, fixed by the Central Bank of Bahrain in
/// 2001 (the rate had held in practice since 1980).
const BHD_PER_USD: f64 = 0.376;
/// Omani rial: 0.3845 OMR per USD, set by the Central Bank of Oman in 1986.
const OMR_PER_USD: f64 = 0.3845;
/// Kuwaiti dinar: an approximate rate, not a peg. The Central Bank of Kuwait
/// has tied the dinar to an undisclosed basket of currencies since 2007, and
/// the dinar traded near 3.25 USD through 2024 and 2025. Conversions of KWD
/// amounts are therefore estimates.
const USD_PER_KWD_APPROX: f64 = 3.25;

impl Currency {
    /// All accepted currencies, in the order used in messages.
    pub const ALL: [Currency; 7] = [
        Currency::USD,
        Currency::SAR,
        Currency::AED,
        Currency::QAR,
        Currency::KWD,
        Currency::BHD,
        Currency::OMR,
    ];

    /// Returns the ISO 4217 code, e.g. `"SAR"`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::SAR => "SAR",
            Currency::AED => "AED",
            Currency::QAR => "QAR",
            Currency::KWD => "KWD",
            Currency::BHD => "BHD",
            Currency::OMR => "OMR",
        }
    }

    /// US dollars per one unit of this currency. Exact for the pegged
    /// currencies and an approximation for KWD.
    pub fn usd_per_unit(self) -> f64 {
        match self {
            Currency::USD => 1.0,
            Currency::SAR => 1.0 / SAR_PER_USD,
            Currency::AED => 1.0 / AED_PER_USD,
            Currency::QAR => 1.0 / QAR_PER_USD,
            Currency::KWD => USD_PER_KWD_APPROX,
            Currency::BHD => 1.0 / BHD_PER_USD,
            Currency::OMR => 1.0 / OMR_PER_USD,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error of [`Currency::from_str`]: the code is not one of the accepted ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "currency {0:?} is not one of USD, SAR, AED, QAR, KWD, BHD, OMR; use the ISO 4217 code in capitals"
)]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;

    /// Parses an ISO 4217 code. Matching is exact: `"sar"` is rejected.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|currency| currency.code() == code)
            .ok_or_else(|| UnknownCurrency(code.to_string()))
    }
}

/// Returns US dollars per unit of `currency` (an ISO 4217 code such as
/// `"SAR"`), or `None` for a currency the schema does not accept.
///
/// The rates are exact for the five pegged GCC currencies and approximate for
/// KWD, which follows a currency basket.
pub fn usd_per_unit(currency: &str) -> Option<f64> {
    currency
        .parse::<Currency>()
        .ok()
        .map(Currency::usd_per_unit)
}
