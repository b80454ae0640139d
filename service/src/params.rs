//! Parsing and validation of search parameters, from a query string (GET)
//! or a JSON body (POST), into one [`SearchRequest`].

use gip_indexer::SearchFilter;
use serde::Deserialize;

use crate::engine::{Mode, SearchRequest};
use crate::error::ApiError;

/// Longest accepted question, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
pub const MAX_LIMIT: usize = 100;
pub const MAX_OFFSET: usize = 10_000;
const COUNTRIES: [&str; 6] = ["SA", "AE", "QA", "KW", "BH", "OM"];
const STATUSES: [&str; 5] = ["planned", "under_construction", "operational", "suspended", "cancelled"];

/// The POST body; GET query parameters use the same names, with repeated
/// keys for lists (`country=SA&country=OM`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchBody {
    /// The question or keywords, 1 to 1,000 characters.
    pub q: Option<String>,
    /// `hybrid` (default), `semantic` or `keyword`.
    pub mode: Option<String>,
    /// ISO 3166-1 alpha-2 codes among SA, AE, QA, KW, BH, OM (repeatable).
    #[serde(default)]
    pub country: Vec<String>,
    /// ISIC Rev.4 codes of 2 to 4 digits; each matches codes that start with it (repeatable).
    #[serde(default)]
    pub sector: Vec<String>,
    /// planned, under_construction, operational, suspended or cancelled (repeatable).
    #[serde(default)]
    pub status: Vec<String>,
    pub min_investment_usd: Option<f64>,
    pub max_investment_usd: Option<f64>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Hits per page, 1 to 100 (default 10).
    pub limit: Option<usize>,
    /// Hits to skip, at most 10,000.
    pub offset: Option<usize>,
    /// Language of the user interface, `ar` or `en`.
    pub lang: Option<String>,
    /// Turn question understanding on (default) or off.
    pub understand: Option<bool>,
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::invalid(
            format!("{name} {value:?} is not a valid number"),
            format!("قيمة {name} ‏{value:?} ليست رقمًا صالحًا"),
        )
    })
}

impl SearchBody {
    /// Reads a query string; unknown parameters are rejected so typos do not pass silently.
    pub fn from_query(query: &str) -> Result<Self, ApiError> {
        let mut body = SearchBody::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "q" => body.q = Some(value),
                "mode" => body.mode = Some(value),
                "country" => body.country.extend(value.split(',').map(str::to_string)),
                "sector" => body.sector.extend(value.split(',').map(str::to_string)),
                "status" => body.status.extend(value.split(',').map(str::to_string)),
                "min_investment_usd" => body.min_investment_usd = Some(number(&key, &value)?),
                "max_investment_usd" => body.max_investment_usd = Some(number(&key, &value)?),
                "year_from" => body.year_from = Some(number(&key, &value)?),
                "year_to" => body.year_to = Some(number(&key, &value)?),
                "limit" => body.limit = Some(number(&key, &value)?),
                "offset" => body.offset = Some(number(&key, &value)?),
                "lang" => body.lang = Some(value),
                "understand" => {
                    body.understand = Some(match value.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => {
                            return Err(ApiError::invalid(
                                format!("understand {value:?} must be true or false"),
                                format!("قيمة understand ‏{value:?} يجب أن تكون true أو false"),
                            ));
                        }
                    })
                }
                other => {
                    return Err(ApiError::invalid(
                        format!("unknown parameter {other:?}; see /openapi.json for the accepted ones"),
                        format!("المعامل {other:?} غير معروف"),
                    ));
                }
            }
        }
        Ok(body)
    }

    /// Validates every field and builds the request.
    pub fn into_request(self) -> Result<SearchRequest, ApiError> {
        let q = self.q.unwrap_or_default();
        let q = q.trim().to_string();
        if q.is_empty() {
            return Err(ApiError::invalid(
                "q is empty; type a question or keywords, e.g. q=مصانع الأسمدة",
                "نص البحث q فارغ؛ اكتب سؤالًا أو كلمات، مثل: مصانع الأسمدة",
            ));
        }
        let chars = q.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(ApiError::invalid(
                format!("q has {chars} characters; the maximum is {MAX_QUERY_CHARS}"),
                format!("نص البحث q فيه {chars} حرفًا؛ الحد الأقصى {MAX_QUERY_CHARS}"),
            ));
        }

        let mode_text = self.mode.unwrap_or_else(|| "hybrid".into());
        let mode = Mode::parse(&mode_text).ok_or_else(|| {
            ApiError::invalid(
                format!("mode {mode_text:?} is not one of hybrid, semantic, keyword"),
                format!("النمط {mode_text:?} غير صالح؛ استخدم hybrid أو semantic أو keyword"),
            )
        })?;

        let limit = self.limit.unwrap_or(10);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::invalid(
                format!("limit {limit} must be between 1 and {MAX_LIMIT}"),
                format!("قيمة limit ‏{limit} يجب أن تكون بين 1 و{MAX_LIMIT}"),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(ApiError::invalid(
                format!("offset {offset} is over the maximum {MAX_OFFSET}; narrow the search with filters"),
                format!("قيمة offset ‏{offset} تتجاوز الحد {MAX_OFFSET}؛ ضيّق البحث بالمرشحات"),
            ));
        }
        if let Some(lang) = &self.lang
            && !matches!(lang.as_str(), "ar" | "en")
        {
            return Err(ApiError::invalid(
                format!("lang {lang:?} is not one of ar, en"),
                format!("اللغة {lang:?} غير مدعومة؛ استخدم ar أو en"),
            ));
        }

        let countries = clean_list(self.country);
        for c in &countries {
            if !COUNTRIES.contains(&c.as_str()) {
                return Err(ApiError::invalid(
                    format!("country {c:?} is not one of SA, AE, QA, KW, BH, OM"),
                    format!("رمز الدولة {c:?} غير صالح؛ استخدم SA أو AE أو QA أو KW أو BH أو OM"),
                ));
            }
        }
        let sectors = clean_list(self.sector);
        for s in &sectors {
            if !(2..=4).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::invalid(
                    format!("sector {s:?} is not an ISIC Rev.4 code of 2 to 4 digits"),
                    format!("القطاع {s:?} ليس رمز ISIC صالحًا من رقمين إلى أربعة أرقام"),
                ));
            }
        }
        let statuses = clean_list(self.status);
        for s in &statuses {
            if !STATUSES.contains(&s.as_str()) {
                return Err(ApiError::invalid(
                    format!("status {s:?} is not one of {}", STATUSES.join(", ")),
                    format!("الحالة {s:?} غير صالحة؛ القيم المقبولة: {}", STATUSES.join("، ")),
                ));
            }
        }
        for (name, value) in [("min_investment_usd", self.min_investment_usd), ("max_investment_usd", self.max_investment_usd)] {
            if let Some(v) = value
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(ApiError::invalid(
                    format!("{name} {v} must be a number of US dollars, 0 or more"),
                    format!("قيمة {name} يجب أن تكون مبلغًا بالدولار لا يقل عن صفر"),
                ));
            }
        }
        for (name, value) in [("year_from", self.year_from), ("year_to", self.year_to)] {
            if let Some(y) = value
                && !(1900..=2100).contains(&y)
            {
                return Err(ApiError::invalid(
                    format!("{name} {y} must be a year between 1900 and 2100"),
                    format!("قيمة {name} ‏{y} يجب أن تكون سنة بين 1900 و2100"),
                ));
            }
        }

        Ok(SearchRequest {
            q,
            mode,
            filter: SearchFilter {
                countries,
                isic: sectors,
                statuses,
                investment_usd_min: self.min_investment_usd,
                investment_usd_max: self.max_investment_usd,
                year_from: self.year_from,
                year_to: self.year_to,
                ..Default::default()
            },
            limit,
            offset,
            understand: self.understand.unwrap_or(true),
        })
    }
}

fn clean_list(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = values.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    out.sort();
    out.dedup();
    out
}
