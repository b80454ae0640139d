//! End-to-end search over the whole sample corpus: `gip index` builds the
//! index once per test binary, `gip serve` serves it on a free loopback
//! port, and every test talks to it over HTTP.
//!
//! Expected record ids were chosen by reading `data/sample/projects.jsonl`.
//! Each test first checks the corpus facts it relies on (language,
//! visibility), so a corpus edit fails with a clear premise message
//! instead of a puzzling ranking failure.

mod common;

use std::collections::{HashMap, HashSet};

use common::{Server, hit_ids, sample_by_id, sample_records, sample_server};
use serde_json::Value;

/// First `n` hit ids of a search.
fn top(server: &Server, params: &[(&str, &str)], n: usize) -> Vec<String> {
    let mut ids = hit_ids(&server.search(params));
    ids.truncate(n);
    ids
}

/// Returns whether a record has name or description text in `lang`.
fn has_text_in(record: &Value, lang: &str) -> bool {
    ["name", "description"].iter().any(|field| record[field][lang].as_str().is_some_and(|text| !text.trim().is_empty()))
}

fn text_of(record: &Value, path: &[&str]) -> String {
    path.iter().fold(record, |value, key| &value[key]).as_str().unwrap_or_default().to_string()
}

/// Asserts that every id in `ids` exists in the corpus and is public.
fn assert_public(corpus: &HashMap<String, Value>, ids: &[String]) {
    for id in ids {
        let record = corpus.get(id).unwrap_or_else(|| panic!("hit {id} is not in the sample corpus"));
        assert_eq!(record["visibility"], "public", "anonymous search returned {id} with visibility {}", record["visibility"]);
    }
}

fn sum_counts(facet: &Value) -> u64 {
    facet.as_array().expect("facet is an array").iter().map(|entry| entry["count"].as_u64().expect("facet count")).sum()
}

#[test]
fn arabic_fertilizer_question_finds_saudi_fertilizer_plants() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();

    let response = server.search(&[("q", "مصانع الأسمدة في الجبيل"), ("limit", "5")]);
    let ids = hit_ids(&response);

    // Gulf Nitrogen Fertilizer Complex and the Ras Al-Khair phosphate
    // fertilizer project have the word أسمدة in their Arabic names.
    for expected in ["SA-0029", "SA-0066"] {
        assert!(text_of(&corpus[expected], &["name", "ar"]).contains("أسمدة"), "premise: {expected} names fertilizers");
        assert!(ids.contains(&expected.to_string()), "{expected} missing from the top 5: {ids:?}");
    }
    for id in &ids {
        let record = &corpus[id];
        assert_eq!(record["country"], "SA", "{id} is not Saudi");
        assert!(text_of(record, &["sector", "isic"]).starts_with("2012"), "{id} is not a fertilizer plant (ISIC 2012)");
    }
}

/// Checks that the Arabic question ranks the English-only Jubail Ammonia
/// and Urea Plant (SA-0040), the exact match, in the top 5.
///
/// NOTE: fails today. The place stays in the embedded text, but e5-small
/// scores the Arabic records of the same sector above this English-only
/// one (dense rank 6 of the 6 Saudi fertilizer records), and the Arabic
/// keyword terms cannot match English text.
#[test]
#[ignore = "quality: e5-small ranks same-language records first; SA-0040 is dense rank 6 of 6"]
fn arabic_jubail_question_ranks_jubail_plant_first_five() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();
    assert!(!has_text_in(&corpus["SA-0040"], "ar"), "premise: SA-0040 has no Arabic text");

    let ids = top(server, &[("q", "مصانع الأسمدة في الجبيل")], 5);
    assert!(ids.contains(&"SA-0040".to_string()), "SA-0040 (Jubail Ammonia and Urea Plant) missing from the top 5: {ids:?}");
}

#[test]
fn english_aluminium_smelter_query_finds_smelters() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();

    let ids = top(server, &[("q", "aluminium smelter")], 5);

    assert_eq!(ids.len(), 5, "expected 5 hits: {ids:?}");
    assert!(ids.contains(&"OM-0035".to_string()), "Sohar Aluminium Smelter missing from the top 5: {ids:?}");
    for id in &ids {
        let name = text_of(&corpus[id], &["name", "en"]) + " " + &text_of(&corpus[id], &["name", "ar"]);
        assert!(name.contains("Smelter") || name.contains("مصهر"), "{id} ({name}) is not a smelter");
    }
}

#[test]
fn arabic_query_finds_english_only_records() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();
    let battery_plants = ["AE-0044", "QA-0008", "SA-0100", "SA-0121", "SA-0132"];
    for id in battery_plants {
        assert!(!has_text_in(&corpus[id], "ar"), "premise: {id} has no Arabic text");
    }

    let ids = top(server, &[("q", "مصنع بطاريات الليثيوم أيون")], 5);

    let found: Vec<&String> = ids.iter().filter(|id| battery_plants.contains(&id.as_str())).collect();
    assert!(found.len() >= 3, "expected at least 3 English-only battery plants in the top 5, got {ids:?}");
}

#[test]
fn english_query_finds_arabic_only_records_semantically() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();
    let cases: [(&str, &[&str]); 2] = [
        ("men's thobe and abaya garment factory", &["SA-0096", "OM-0037", "KW-0027"]),
        ("marble and granite factory", &["AE-0061", "AE-0053"]),
    ];

    for (query, expected) in cases {
        for id in expected {
            assert!(!has_text_in(&corpus[*id], "en"), "premise: {id} has no English text");
        }
        let ids = top(server, &[("q", query), ("mode", "semantic")], 5);
        for id in expected {
            assert!(ids.contains(&id.to_string()), "{query:?}: Arabic-only {id} missing from the semantic top 5: {ids:?}");
        }
    }
}

/// In hybrid mode the keyword list ranks English records that share words
/// like "factory" above the Arabic-only garment factories, and reciprocal
/// rank fusion pushes them to ranks 14 to 16.
#[test]
#[ignore = "product: hybrid fusion buries Arabic-only records that semantic mode ranks 1 to 3 for an English query"]
fn english_query_finds_arabic_only_records_in_hybrid_mode() {
    let Some(server) = sample_server() else { return };

    let ids = top(server, &[("q", "men's thobe and abaya garment factory")], 5);

    for id in ["SA-0096", "OM-0037", "KW-0027"] {
        assert!(ids.contains(&id.to_string()), "Arabic-only {id} missing from the hybrid top 5: {ids:?}");
    }
}

#[test]
fn every_mode_returns_ranked_hits() {
    let Some(server) = sample_server() else { return };

    for mode in ["hybrid", "semantic", "keyword"] {
        let response = server.search(&[("q", "aluminium smelter"), ("mode", mode)]);
        assert_eq!(response["mode"], mode);

        let ids = hit_ids(&response);
        assert!(ids.iter().take(5).any(|id| id == "OM-0035"), "{mode}: OM-0035 missing from the top 5: {ids:?}");

        let first = &response["hits"][0]["ranks"];
        match mode {
            "semantic" => assert!(first["dense"].is_u64() && first["keyword"].is_null(), "{mode} ranks: {first}"),
            "keyword" => assert!(first["keyword"].is_u64() && first["dense"].is_null(), "{mode} ranks: {first}"),
            _ => assert!(first["dense"].is_u64() || first["keyword"].is_u64(), "{mode} ranks: {first}"),
        }
    }
}

#[test]
fn country_filter_keeps_only_that_country() {
    let Some(server) = sample_server() else { return };
    let public_oman = sample_records().iter().filter(|r| r["country"] == "OM" && r["visibility"] == "public").count();

    for mode in ["hybrid", "semantic", "keyword"] {
        let response = server.search(&[("q", "factory"), ("country", "OM"), ("mode", mode), ("limit", "100")]);
        let hits = response["hits"].as_array().expect("hits");

        assert!(!hits.is_empty(), "{mode}: no hits for factory in Oman");
        for hit in hits {
            assert_eq!(hit["record"]["country"], "OM", "{mode}: {} is not in Oman", hit["id"]);
        }
        assert_eq!(response["applied_filters"]["countries"], serde_json::json!(["OM"]));
        if mode != "keyword" {
            assert_eq!(response["total"].as_u64(), Some(public_oman as u64), "{mode}: total");
        }
    }
}

#[test]
fn facets_sum_to_total_for_filter_only_query() {
    let Some(server) = sample_server() else { return };
    let expected = sample_records().iter().filter(|r| r["status"] == "operational" && r["visibility"] == "public").count() as u64;

    // Without understanding, hybrid `total` counts every record that passes
    // the filters, whatever the question.
    let response = server.search(&[("q", "project"), ("status", "operational"), ("understand", "false")]);
    let total = response["total"].as_u64().expect("total");
    let facets = &response["facets"];

    assert_eq!(total, expected, "total of public operational records");
    assert_eq!(sum_counts(&facets["country"]), total, "country facet counts: {}", facets["country"]);
    assert_eq!(sum_counts(&facets["sector"]), total, "sector facet counts: {}", facets["sector"]);
    assert_eq!(facets["status"], serde_json::json!([{"value": "operational", "count": total}]));
}

#[test]
fn understanding_extracts_english_filters() {
    let Some(server) = sample_server() else { return };

    let response = server.search(&[("q", "steel plants in Oman since 2020")]);
    let filters = &response["interpretation"]["filters"];

    assert_eq!(filters["countries"], serde_json::json!(["OM"]), "interpretation: {}", response["interpretation"]);
    assert_eq!(filters["year_from"], 2020, "interpretation: {}", response["interpretation"]);
    let isic = filters["isic"].as_array().expect("isic filter");
    assert!(!isic.is_empty() && isic.iter().all(|code| code.as_str().unwrap_or("").starts_with("24")), "isic: {isic:?}");
    assert_eq!(response["applied_filters"]["countries"], serde_json::json!(["OM"]));
    assert_eq!(response["applied_filters"]["year_from"], 2020);

    let hits = response["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "no steel plants in Oman since 2020");
    for hit in hits {
        assert_eq!(hit["record"]["country"], "OM", "{} is not in Oman", hit["id"]);
        assert!(hit["record"]["start_year"].as_i64().is_some_and(|year| year >= 2020), "{} starts before 2020", hit["id"]);
    }
}

#[test]
fn understanding_extracts_arabic_filters() {
    let Some(server) = sample_server() else { return };

    let response = server.search(&[("q", "مشاريع البتروكيماويات قيد الإنشاء في السعودية")]);
    let filters = &response["interpretation"]["filters"];

    assert_eq!(filters["countries"], serde_json::json!(["SA"]), "interpretation: {}", response["interpretation"]);
    assert_eq!(filters["statuses"], serde_json::json!(["under_construction"]), "interpretation: {}", response["interpretation"]);
    assert_eq!(filters["isic"], serde_json::json!(["20"]), "interpretation: {}", response["interpretation"]);
    assert_eq!(response["interpretation"]["lang"], "ar");

    let hits = response["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "no petrochemical projects under construction in Saudi Arabia");
    for hit in hits {
        let record = &hit["record"];
        assert_eq!(record["country"], "SA", "{}", hit["id"]);
        assert_eq!(record["status"], "under_construction", "{}", hit["id"]);
        assert!(text_of(record, &["sector", "isic"]).starts_with("20"), "{} is not in ISIC division 20", hit["id"]);
    }
}

#[test]
fn understand_false_gives_null_interpretation() {
    let Some(server) = sample_server() else { return };

    let response = server.search(&[("q", "steel plants in Oman since 2020"), ("understand", "false")]);

    assert!(response["interpretation"].is_null(), "interpretation: {}", response["interpretation"]);
    assert_eq!(response["applied_filters"]["countries"], serde_json::json!([]));
    assert!(response["applied_filters"]["year_from"].is_null());
}

#[test]
fn highlights_mark_matched_words() {
    let Some(server) = sample_server() else { return };

    let english = server.search(&[("q", "smelter"), ("mode", "keyword"), ("understand", "false")]);
    let arabic = server.search(&[("q", "مصهر"), ("mode", "keyword"), ("understand", "false")]);

    for (query, response, marked) in [("smelter", &english, "<mark>Smelter</mark>"), ("مصهر", &arabic, "<mark>مصهر</mark>")] {
        let hits = response["hits"].as_array().expect("hits");
        assert!(!hits.is_empty(), "{query}: no hits");
        for hit in hits {
            let fragments: Vec<&str> =
                hit["highlights"].as_array().expect("highlights").iter().filter_map(|h| h["fragment"].as_str()).collect();
            assert!(fragments.iter().any(|f| f.contains("<mark>")), "{query}: {} has no <mark> in {fragments:?}", hit["id"]);
        }
        let all = response.to_string();
        assert!(all.contains(marked), "{query}: no highlight contains {marked}");
    }
}

#[test]
fn project_and_similar_endpoints() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();

    let project = server.get("/v1/projects/OM-0035");
    assert_eq!(project.status, 200, "{}", project.body);
    let project = project.json();
    assert_eq!(project["project"]["id"], "OM-0035");
    assert_eq!(project["project"]["record"]["name"], corpus["OM-0035"]["name"]);

    let similar = server.get("/v1/projects/OM-0035/similar");
    assert_eq!(similar.status, 200, "{}", similar.body);
    let similar = similar.json();
    let ids = hit_ids(&similar);
    assert_eq!(similar["id"], "OM-0035");
    assert!(!ids.is_empty(), "OM-0035 has no similar records");
    assert!(ids.len() <= 10, "more than 10 similar ids: {ids:?}");
    assert!(!ids.contains(&"OM-0035".to_string()), "OM-0035 is in its own similar list: {ids:?}");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "duplicate similar ids: {ids:?}");
    assert_public(&corpus, &ids);
    // The nearest record to an aluminium smelter is another basic-metals plant.
    assert!(text_of(&corpus[&ids[0]], &["sector", "isic"]).starts_with("24"), "nearest to OM-0035 is {}", ids[0]);
}

#[test]
fn restricted_records_are_hidden_from_anonymous_callers() {
    let Some(server) = sample_server() else { return };
    let corpus = sample_by_id();
    let restricted = [("SA-0125", "national", "Jubail Methanol Plant"), ("SA-0069", "gcc", "Jubail Ethane Cracker Project")];

    for (id, visibility, name) in restricted {
        assert_eq!(corpus[id]["visibility"], visibility, "premise: {id} visibility");
        assert_eq!(corpus[id]["name"]["en"], name, "premise: {id} name");

        for mode in ["keyword", "semantic", "hybrid"] {
            let ids = hit_ids(&server.search(&[("q", name), ("mode", mode), ("understand", "false"), ("limit", "100")]));
            assert!(!ids.contains(&id.to_string()), "{mode} search for its own name returned {visibility} {id}");
            assert_public(&corpus, &ids);
        }

        let project = server.get(&format!("/v1/projects/{id}"));
        assert_eq!(project.status, 404, "GET {id}: {}", project.body);
        assert_eq!(project.json()["code"], "not_found");
        let similar = server.get(&format!("/v1/projects/{id}/similar"));
        assert_eq!(similar.status, 404, "similar of {id}: {}", similar.body);
    }

    // Neighbours of the restricted records: a methanol plant and an ethane cracker.
    for neighbour in ["SA-0076", "SA-0074"] {
        let ids = hit_ids(&server.get(&format!("/v1/projects/{neighbour}/similar")).json());
        assert_public(&corpus, &ids);
    }

    let public_saudi = corpus.values().filter(|r| r["country"] == "SA" && r["visibility"] == "public").count() as u64;
    let response = server.search(&[("q", "project"), ("country", "SA"), ("understand", "false")]);
    assert_eq!(response["total"].as_u64(), Some(public_saudi), "total counts restricted records");
    assert_eq!(response["facets"]["country"], serde_json::json!([{"value": "SA", "count": public_saudi}]));
}

/// Hits as `(id, score)` sorted by score, then id. Tied hits may come in
/// either order (see `equal_requests_return_same_order`), so comparisons
/// of two responses use this form.
fn scored_hits(response: &Value) -> Vec<(String, String)> {
    let mut hits: Vec<(String, String)> = response["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| (hit["id"].as_str().expect("id").to_string(), format!("{:.6}", hit["score"].as_f64().expect("score"))))
        .collect();
    hits.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    hits
}

/// Checks that repeated requests return hits in one order. Hybrid search
/// fuses with reciprocal rank fusion, so two records ranked (1, 3) and
/// (3, 1) by the dense and keyword lists get equal scores. The store returns
/// such ties in a different order from one request to the next, so pages of
/// one result list can repeat or skip a record.
#[test]
fn equal_requests_return_same_order() {
    let Some(server) = sample_server() else { return };
    let params = [("q", "aluminium smelter"), ("country", "AE,OM"), ("limit", "5")];

    let first = hit_ids(&server.search(&params));
    for attempt in 1..=10 {
        let again = hit_ids(&server.search(&params));
        assert_eq!(again, first, "attempt {attempt} returned another order");
    }
}

/// Value of the request counter for `route` and `status`, 0 when absent.
fn request_count(metrics: &str, route: &str, status: u16) -> u64 {
    let prefix = format!("gip_http_requests_total{{route=\"{route}\",status=\"{status}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(|value| value.trim().parse().expect("counter value is an integer"))
        .unwrap_or(0)
}

#[test]
fn metrics_count_search_requests() {
    let Some(server) = sample_server() else { return };
    let before = server.get("/metrics").body;

    server.search(&[("q", "cement")]);
    server.search(&[("q", "cement"), ("mode", "keyword")]);
    let rejected = server.get("/v1/search?q=cement&limit=0");
    assert_eq!(rejected.status, 400);

    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(metrics.content_type.starts_with("text/plain"), "content type {}", metrics.content_type);
    // Other tests search at the same time, so the counters grow by at least our requests.
    assert!(
        request_count(&metrics.body, "/v1/search", 200) >= request_count(&before, "/v1/search", 200) + 2,
        "search 200 counter did not grow:\n{}",
        metrics.body
    );
    assert!(request_count(&metrics.body, "/v1/search", 400) > request_count(&before, "/v1/search", 400));
    assert!(metrics.body.contains("gip_http_request_duration_seconds_bucket{route=\"/v1/search\",mode=\"keyword\""));
    assert!(metrics.body.contains("gip_query_embedding_seconds_count"));
}

#[test]
fn responses_carry_request_id() {
    let Some(server) = sample_server() else { return };

    let first = server.get("/v1/search?q=cement");
    let second = server.get("/v1/search?q=cement");
    let health = server.get("/healthz");

    let id = first.request_id.clone().expect("search response has x-request-id");
    assert_eq!(id.len(), 24, "request id {id:?}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "request id {id:?}");
    assert_eq!(first.json()["request_id"], id.as_str(), "body request_id differs from the header");
    assert_ne!(second.request_id, first.request_id, "two requests got the same id");
    assert!(health.request_id.is_some(), "/healthz has no x-request-id");
}

#[test]
fn server_reports_ready_and_serves_page() {
    let Some(server) = sample_server() else { return };

    assert!(
        server.log().contains(&format!("ready: search at http://127.0.0.1:{}/", server.port)),
        "no ready line in the log:\n{}",
        server.log()
    );
    assert_eq!(server.get("/readyz").status, 200);
    assert_eq!(server.get("/healthz").json()["status"], "ok");

    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"), "content type {}", page.content_type);
    assert!(page.body.contains("<html"), "page is not HTML");
}

#[test]
fn post_search_matches_get_search() {
    let Some(server) = sample_server() else { return };

    let body = r#"{"q": "aluminium smelter", "country": ["AE", "OM"], "mode": "hybrid", "limit": 5}"#;
    let posted = common::post_json(&server.url("/v1/search"), body);
    assert_eq!(posted.status, 200, "{}", posted.body);
    let fetched = server.search(&[("q", "aluminium smelter"), ("country", "AE,OM"), ("limit", "5")]);

    let posted = posted.json();
    assert!(!hit_ids(&posted).is_empty(), "no aluminium smelters in AE or OM");
    assert_eq!(scored_hits(&posted), scored_hits(&fetched), "POST and GET return different hits");
    for hit in posted["hits"].as_array().expect("hits") {
        let country = hit["record"]["country"].as_str().unwrap_or_default();
        assert!(country == "AE" || country == "OM", "{} is in {country}", hit["id"]);
    }
}

#[test]
fn keyword_facets_count_matches() {
    let Some(server) = sample_server() else { return };

    let body = server.search(&[("q", "steel"), ("mode", "keyword"), ("understand", "false"), ("limit", "100")]);

    let total = body["total"].as_u64().expect("total is a number");
    assert!(total > 0, "keyword search for steel found nothing: {body}");
    for facet in ["country", "sector", "status"] {
        let sum: u64 = body["facets"][facet].as_array().expect("facet list").iter().map(|f| f["count"].as_u64().unwrap_or(0)).sum();
        assert_eq!(sum, total, "{facet} facet counts do not sum to total {total}: {}", body["facets"][facet]);
    }
}
