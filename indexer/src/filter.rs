//! Backend-neutral filter over the stored payload.
//!
//! [`SearchFilter::conditions`] turns the request-level filter into a small
//! tree of [`Clause`]s on payload keys; each store converts that tree to its
//! own filter type, so both stores apply the same semantics.

use serde::{Deserialize, Serialize};

use crate::document::keys;

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

/// One condition on payload fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// The keyword field `key` has one of `values` (for an array field: any
    /// element does).
    AnyOf { key: &'static str, values: Vec<String> },
    /// The numeric field `key` lies in `[gte, lte]`; a missing bound is open.
    Range { key: &'static str, gte: Option<f64>, lte: Option<f64> },
    /// Every clause holds.
    All(Vec<Clause>),
    /// At least one clause holds.
    Either(Vec<Clause>),
}

/// A filter as clauses: a record passes when every `must` clause holds and
/// no `must_not` clause does. Both lists empty means "every record".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions {
    pub must: Vec<Clause>,
    pub must_not: Vec<Clause>,
}

impl Conditions {
    pub fn is_empty(&self) -> bool {
        self.must.is_empty() && self.must_not.is_empty()
    }
}

impl SearchFilter {
    /// Builds the clauses that express this filter on the stored payload.
    pub fn conditions(&self) -> Conditions {
        let mut must = Vec::new();
        if !self.countries.is_empty() {
            must.push(any_of(keys::COUNTRY, &self.countries));
        }
        if !self.isic.is_empty() {
            // The payload stores every prefix of the record's code, so a
            // prefix filter is an exact match on that list.
            must.push(any_of(keys::ISIC_LEVELS, &self.isic));
        }
        if !self.statuses.is_empty() {
            must.push(any_of(keys::STATUS, &self.statuses));
        }
        if self.investment_usd_min.is_some() || self.investment_usd_max.is_some() {
            must.push(Clause::Range { key: keys::INVESTMENT_USD, gte: self.investment_usd_min, lte: self.investment_usd_max });
        }
        if self.year_from.is_some() || self.year_to.is_some() {
            must.push(Clause::Range {
                key: keys::START_YEAR,
                gte: self.year_from.map(f64::from),
                lte: self.year_to.map(f64::from),
            });
        }
        if !self.visibility.is_empty() || !self.national_countries.is_empty() {
            // Readable when the level is allowed outright, or when it is a
            // national record of a country the caller belongs to.
            let mut readable = Vec::new();
            if !self.visibility.is_empty() {
                readable.push(any_of(keys::VISIBILITY, &self.visibility));
            }
            if !self.national_countries.is_empty() {
                readable.push(Clause::All(vec![
                    any_of(keys::VISIBILITY, &["national".to_string()]),
                    any_of(keys::COUNTRY, &self.national_countries),
                ]));
            }
            must.push(Clause::Either(readable));
        }

        let mut must_not = Vec::new();
        if !self.exclude_ids.is_empty() {
            must_not.push(any_of(keys::ID, &self.exclude_ids));
        }
        Conditions { must, must_not }
    }
}

fn any_of(key: &'static str, values: &[String]) -> Clause {
    Clause::AnyOf { key, values: values.to_vec() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filter_has_no_clauses() {
        assert!(SearchFilter::default().conditions().is_empty());
    }

    #[test]
    fn national_access_is_an_alternative_to_visibility() {
        let filter = SearchFilter {
            visibility: vec!["public".into()],
            national_countries: vec!["OM".into()],
            ..Default::default()
        };
        let conditions = filter.conditions();
        assert_eq!(conditions.must.len(), 1);
        let Clause::Either(readable) = &conditions.must[0] else {
            panic!("visibility is not an alternative: {:?}", conditions.must[0]);
        };
        assert_eq!(readable[0], Clause::AnyOf { key: keys::VISIBILITY, values: vec!["public".into()] });
        assert_eq!(
            readable[1],
            Clause::All(vec![
                Clause::AnyOf { key: keys::VISIBILITY, values: vec!["national".into()] },
                Clause::AnyOf { key: keys::COUNTRY, values: vec!["OM".into()] },
            ])
        );
    }

    #[test]
    fn excluded_ids_go_to_must_not() {
        let filter = SearchFilter { exclude_ids: vec!["a".into()], ..Default::default() };
        let conditions = filter.conditions();
        assert!(conditions.must.is_empty());
        assert_eq!(conditions.must_not, vec![Clause::AnyOf { key: keys::ID, values: vec!["a".into()] }]);
    }
}
