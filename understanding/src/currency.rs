//! Currencies of the six GCC states and their conversion to US dollars.
//!
//! Five of the six currencies are pegged to the US dollar, so one fixed rate
//! each is exact for filtering. The rates below are written from the
//! central banks' published pegs as commonly stated. Check them against the
//! issuing bank before using them for anything but search filters.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A currency that investment amounts may be stated in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Usd,
    Sar,
    Aed,
    Qar,
    Kwd,
    Bhd,
    Omr,
}

/// Error returned when a currency code is not one of the supported ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency code {code:?}: expected one of USD, SAR, AED, QAR, KWD, BHD, OMR")]
pub struct UnknownCurrency {
    /// The code as given.
    pub code: String,
}

impl Currency {
    /// All supported currencies.
    pub const ALL: [Currency; 7] = [
        Currency::Usd,
        Currency::Sar,
        Currency::Aed,
        Currency::Qar,
        Currency::Kwd,
        Currency::Bhd,
        Currency::Omr,
    ];

    /// Returns the ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Sar => "SAR",
            Currency::Aed => "AED",
            Currency::Qar => "QAR",
            Currency::Kwd => "KWD",
            Currency::Bhd => "BHD",
            Currency::Omr => "OMR",
        }
    }

    /// Units of this currency per one US dollar.
    pub fn per_usd(self) -> f64 {
        match self {
            Currency::Usd => 1.0,
            // Saudi Central Bank (SAMA): fixed at 3.75 SAR per USD since 1986.
            Currency::Sar => 3.75,
            // Central Bank of the UAE: 3.6725 AED per USD, fixed in law since
            // 1997 and held at that level since 1980.
            Currency::Aed => 3.6725,
            // Qatar Central Bank: 3.64 QAR per USD, fixed in law since 2001.
            Currency::Qar => 3.64,
            // NOTE: the Kuwaiti dinar floats against an undisclosed basket
            // (Central Bank of Kuwait, since May 2007), so this is an
            // approximate rate: about 0.307 KWD per USD, the level of
            // 2024-2025. Filters built from KWD amounts are off by the drift
            // of the basket since then.
            Currency::Kwd => 0.307,
            // Central Bank of Bahrain: 0.376 BHD per USD, fixed since 1980.
            Currency::Bhd => 0.376,
            // Central Bank of Oman: 0.3845 OMR per USD, fixed since 1986.
            Currency::Omr => 0.3845,
        }
    }

    /// Converts `amount` of this currency to US dollars, rounded to whole
    /// dollars so that filters compare equal across spellings of one amount.
    pub fn to_usd(self, amount: f64) -> f64 {
        (amount / self.per_usd()).round()
    }

    /// Returns whether the rate is a fixed peg rather than an approximation.
    pub fn is_pegged(self) -> bool {
        self != Currency::Kwd
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;

    /// Parses an ISO 4217 code, ignoring case and surrounding whitespace.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        let expected = code.trim().to_ascii_uppercase();
        Currency::ALL
            .into_iter()
            .find(|currency| currency.code() == expected)
            .ok_or_else(|| UnknownCurrency {
                code: code.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pegged_rates_convert() {
        assert_eq!(Currency::Sar.to_usd(3.75e9), 1e9);
        assert_eq!(Currency::Aed.to_usd(367.25e6), 100e6);
        assert_eq!(Currency::Qar.to_usd(3.64e9), 1e9);
        assert_eq!(Currency::Bhd.to_usd(376e6), 1e9);
        assert_eq!(Currency::Omr.to_usd(384.5e6), 1e9);
        assert_eq!(Currency::Usd.to_usd(12.4), 12.0);
    }

    #[test]
    fn kuwaiti_dinar_is_approximate() {
        assert!(!Currency::Kwd.is_pegged());
        let usd = Currency::Kwd.to_usd(1e6);
        assert!((3.2e6..3.35e6).contains(&usd), "{usd}");
    }

    #[test]
    fn codes_round_trip() {
        for currency in Currency::ALL {
            assert_eq!(currency.code().parse::<Currency>(), Ok(currency));
            assert_eq!(
                currency.code().to_lowercase().parse::<Currency>(),
                Ok(currency)
            );
        }
    }

    #[test]
    fn unknown_code_names_value() {
        let error = "EUR".parse::<Currency>().unwrap_err();
        assert!(error.to_string().contains("\"EUR\""));
        assert!(error.to_string().contains("SAR"));
    }
}
