//! Highlighted snippets: the words of a record that matched the query,
//! marked in the original (un-normalized) text.
//!
//! Matching uses the analyzer's terms, so `المصنع` in a record is marked
//! for the query `مصنع`. Fragments are HTML-escaped; `<mark>` and `</mark>`
//! are the only tags in them.

use std::collections::HashSet;

use gip_analysis::{Analyzer, Lang};
use serde::Serialize;
use serde_json::Value;

/// Characters of context kept on each side of the first match in long fields.
const CONTEXT_CHARS: usize = 90;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Highlight {
    /// Field path, e.g. `description.ar`.
    pub field: String,
    pub fragment: String,
}

const FIELDS: [(&str, &str); 4] = [("name", "ar"), ("name", "en"), ("description", "ar"), ("description", "en")];

/// Highlights of `record` for the analysed query `terms`; empty when nothing matched.
pub fn highlights(record: &Value, analyzer: &Analyzer, terms: &HashSet<String>) -> Vec<Highlight> {
    if terms.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (field, lang) in FIELDS {
        let Some(text) = record.get(field).and_then(|v| v.get(lang)).and_then(Value::as_str) else {
            continue;
        };
        let matches: Vec<(usize, usize)> = analyzer
            .analyze(text, Lang::Auto)
            .into_iter()
            .filter(|t| terms.contains(&t.term))
            .map(|t| (t.start, t.end))
            .collect();
        if matches.is_empty() {
            continue;
        }
        out.push(Highlight { field: format!("{field}.{lang}"), fragment: fragment(text, &matches) });
    }
    out
}

/// Marks `matches` (byte ranges on char boundaries) in a window of `text`
/// around the first match.
fn fragment(text: &str, matches: &[(usize, usize)]) -> String {
    let first = matches[0].0;
    let start = text[..first]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let end = text[first..]
        .char_indices()
        .nth(CONTEXT_CHARS * 2)
        .map(|(i, _)| first + i)
        .unwrap_or(text.len());

    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut cursor = start;
    for &(s, e) in matches {
        if s < cursor || e > end {
            continue;
        }
        out.push_str(&escape(&text[cursor..s]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[s..e]));
        out.push_str("</mark>");
        cursor = e;
    }
    out.push_str(&escape(&text[cursor..end]));
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gip_analysis::AnalyzerConfig;
    use serde_json::json;

    fn terms(analyzer: &Analyzer, q: &str) -> HashSet<String> {
        analyzer.analyze(q, Lang::Auto).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn marks_arabic_word_with_clitic() {
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        let record = json!({"name": {"ar": "توسعة المصنع الرئيسي"}});
        let h = highlights(&record, &analyzer, &terms(&analyzer, "مصنع"));
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].field, "name.ar");
        assert_eq!(h[0].fragment, "توسعة <mark>المصنع</mark> الرئيسي");
    }

    #[test]
    fn escapes_html_in_record_text() {
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        let record = json!({"name": {"en": "<script>steel</script> plant"}});
        let h = highlights(&record, &analyzer, &terms(&analyzer, "steel"));
        assert_eq!(h[0].fragment, "&lt;script&gt;<mark>steel</mark>&lt;/script&gt; plant");
    }

    #[test]
    fn long_text_is_cut_around_match() {
        let analyzer = Analyzer::new(AnalyzerConfig::default());
        let text = format!("{} cement {}", "word ".repeat(100), "tail ".repeat(100));
        let record = json!({"description": {"en": text}});
        let h = highlights(&record, &analyzer, &terms(&analyzer, "cement"));
        assert!(h[0].fragment.starts_with('…'));
        assert!(h[0].fragment.ends_with('…'));
        assert!(h[0].fragment.contains("<mark>cement</mark>"));
    }
}
