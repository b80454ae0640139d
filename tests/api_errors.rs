//! Error responses of the HTTP API: status, stable `code`, and the error
//! body `{code, message, message_ar, request_id}` for bad requests.
//!
//! The tests share one server over the four records of
//! `tests/fixtures/small.jsonl`, because validation does not depend on the
//! corpus and a small index loads in seconds.

mod common;

use std::sync::OnceLock;

use common::{Response, Server, get, has_arabic, model_dir, post_json, shared_server};
use serde_json::Value;

fn fixture_server() -> Option<&'static Server> {
    static FIXTURE: OnceLock<Result<Server, String>> = OnceLock::new();
    let model = model_dir()?;
    Some(shared_server(&FIXTURE, || {
        let text = std::fs::read_to_string(common::repo_path("tests/fixtures/small.jsonl")).expect("fixture is readable");
        let records: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("fixture line is JSON")).collect();
        common::start_server_over(&model, &records)
    }))
}

/// Asserts the status, the code and the shape of an error response.
fn assert_error(case: &str, response: &Response, status: u16, code: &str) {
    assert_eq!(response.status, status, "{case}: status, body {}", response.body);
    let body = response.json();
    assert_eq!(body["code"], code, "{case}: code, body {body}");

    let message = body["message"].as_str().unwrap_or_default();
    let message_ar = body["message_ar"].as_str().unwrap_or_default();
    let request_id = body["request_id"].as_str().unwrap_or_default();
    assert!(!message.trim().is_empty(), "{case}: empty message in {body}");
    assert!(has_arabic(message_ar), "{case}: message_ar has no Arabic letters in {body}");
    assert!(!request_id.is_empty(), "{case}: empty request_id in {body}");
    assert_eq!(response.request_id.as_deref(), Some(request_id), "{case}: x-request-id differs from the body");
}

#[test]
fn valid_search_succeeds_on_fixture_server() {
    let Some(server) = fixture_server() else { return };

    let response = server.search(&[("q", "zirconia ceramics"), ("mode", "keyword")]);

    assert_eq!(common::hit_ids(&response).first().map(String::as_str), Some("fx-0001"), "{response}");
}

#[test]
fn bad_query_parameters_are_rejected() {
    let Some(server) = fixture_server() else { return };
    let long_query = "a".repeat(1001);
    // (case, query parameters, expected status, expected code)
    let cases: Vec<(&str, Vec<(&str, &str)>, u16, &str)> = vec![
        ("missing q", vec![], 400, "invalid_parameter"),
        ("empty q", vec![("q", "")], 400, "invalid_parameter"),
        ("whitespace q", vec![("q", "  \t ")], 400, "invalid_parameter"),
        ("q over 1000 characters", vec![("q", &long_query)], 400, "invalid_parameter"),
        ("limit 0", vec![("q", "glass"), ("limit", "0")], 400, "invalid_parameter"),
        ("limit 101", vec![("q", "glass"), ("limit", "101")], 400, "invalid_parameter"),
        ("offset -1", vec![("q", "glass"), ("offset", "-1")], 400, "invalid_parameter"),
        ("offset over 10000", vec![("q", "glass"), ("offset", "10001")], 400, "invalid_parameter"),
        ("mode fuzzy", vec![("q", "glass"), ("mode", "fuzzy")], 400, "invalid_parameter"),
        ("country XX", vec![("q", "glass"), ("country", "XX")], 400, "invalid_parameter"),
        ("lowercase country", vec![("q", "glass"), ("country", "sa")], 400, "invalid_parameter"),
        ("sector ab", vec![("q", "glass"), ("sector", "ab")], 400, "invalid_parameter"),
        ("sector of 5 digits", vec![("q", "glass"), ("sector", "20111")], 400, "invalid_parameter"),
        ("status done", vec![("q", "glass"), ("status", "done")], 400, "invalid_parameter"),
        ("year_from 1800", vec![("q", "glass"), ("year_from", "1800")], 400, "invalid_parameter"),
        ("year_to 2101", vec![("q", "glass"), ("year_to", "2101")], 400, "invalid_parameter"),
        ("min_investment_usd -5", vec![("q", "glass"), ("min_investment_usd", "-5")], 400, "invalid_parameter"),
        ("min_investment_usd abc", vec![("q", "glass"), ("min_investment_usd", "abc")], 400, "invalid_parameter"),
        ("max_investment_usd NaN", vec![("q", "glass"), ("max_investment_usd", "NaN")], 400, "invalid_parameter"),
        ("lang fr", vec![("q", "glass"), ("lang", "fr")], 400, "invalid_parameter"),
        ("understand yes", vec![("q", "glass"), ("understand", "yes")], 400, "invalid_parameter"),
        ("unknown parameter", vec![("q", "glass"), ("colour", "red")], 400, "invalid_parameter"),
    ];

    for (case, params, status, code) in &cases {
        let response = get(&server.url("/v1/search"), params);
        assert_error(case, &response, *status, code);
    }
}

#[test]
fn error_messages_name_the_bad_value() {
    let Some(server) = fixture_server() else { return };
    let cases = [
        (vec![("q", "glass"), ("country", "XX")], "XX"),
        (vec![("q", "glass"), ("mode", "fuzzy")], "fuzzy"),
        (vec![("q", "glass"), ("limit", "101")], "101"),
        (vec![("q", "glass"), ("colour", "red")], "colour"),
    ];

    for (params, value) in cases {
        let body = get(&server.url("/v1/search"), &params).json();
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(value), "{params:?}: message does not name {value:?}: {message}");
    }
}

#[test]
fn bad_post_bodies_are_rejected() {
    let Some(server) = fixture_server() else { return };
    let nested = format!(r#"{{"q": "glass", "country": {}"SA"{}}}"#, "[".repeat(200), "]".repeat(200));
    let cases = [
        ("invalid JSON", r#"{"q": "glass""#.to_string()),
        ("not an object", r#"["glass"]"#.to_string()),
        ("q is a number", r#"{"q": 5}"#.to_string()),
        ("limit is a string", r#"{"q": "glass", "limit": "ten"}"#.to_string()),
        ("country is not a list", r#"{"q": "glass", "country": "SA"}"#.to_string()),
        ("unknown field", r#"{"q": "glass", "colour": "red"}"#.to_string()),
        ("empty q", r#"{"q": ""}"#.to_string()),
        ("country XX", r#"{"q": "glass", "country": ["XX"]}"#.to_string()),
        ("deeply nested JSON", nested),
    ];

    for (case, body) in &cases {
        let response = post_json(&server.url("/v1/search"), body);
        assert_error(case, &response, 400, "invalid_parameter");
    }
}

/// Checks that a body over the 64 KiB limit gets 413 in the JSON error shape.
#[test]
fn oversized_post_body_gets_json_error() {
    let Some(server) = fixture_server() else { return };
    let body = format!(r#"{{"q": "{}"}}"#, "a".repeat(70 * 1024));

    let response = post_json(&server.url("/v1/search"), &body);

    assert_error("body over 64 KiB", &response, 413, "body_too_large");
}

#[test]
fn oversized_post_body_is_rejected() {
    let Some(server) = fixture_server() else { return };
    let body = format!(r#"{{"q": "{}"}}"#, "a".repeat(70 * 1024));

    let response = post_json(&server.url("/v1/search"), &body);

    assert!(response.status == 413 || response.status == 400, "status {}: {}", response.status, response.body);
    assert!(response.request_id.is_some(), "413 response has no x-request-id");
}

#[test]
fn unknown_project_and_route_are_not_found() {
    let Some(server) = fixture_server() else { return };

    assert_error("unknown project", &server.get("/v1/projects/NO-SUCH-ID"), 404, "not_found");
    assert_error("similar of unknown project", &server.get("/v1/projects/NO-SUCH-ID/similar"), 404, "not_found");
    assert_error("unknown route", &server.get("/v2/search?q=glass"), 404, "route_not_found");
    assert_error("unknown route under v1", &server.get("/v1/nothing"), 404, "route_not_found");

    let message = server.get("/v1/projects/NO-SUCH-ID").json()["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("NO-SUCH-ID"), "message does not name the id: {message}");
}

/// The route-not-found and unknown-parameter messages tell the caller to
/// "see /openapi.json", so that document must exist.
#[test]
fn openapi_document_named_in_errors_exists() {
    let Some(server) = fixture_server() else { return };

    let response = server.get("/openapi.json");

    assert_eq!(response.status, 200, "GET /openapi.json: {}", response.body);
    assert!(response.json()["paths"]["/v1/search"].is_object(), "no /v1/search in the OpenAPI document");
}

/// A server whose model cannot load never becomes ready: `/readyz` and
/// searches return 503 `index_not_ready` with the load error. Needs no
/// model, so it also runs where `GIP_MODEL_DIR` is unset.
#[test]
fn server_without_model_answers_not_ready() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing_model = dir.path().join("no-model-here");
    let server = Server::spawn(&missing_model, &dir.path().join("index"), &dir.path().join("serve.log"), None);

    // The loader fails within a moment; wait until /readyz reports it.
    let started = std::time::Instant::now();
    let readyz = loop {
        let response = server.get("/readyz");
        if response.body.contains("failed to load") || started.elapsed().as_secs() > 60 {
            break response;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };

    assert_error("readyz without model", &readyz, 503, "index_not_ready");
    assert!(readyz.json()["message"].as_str().unwrap_or_default().contains("failed to load"), "{}", readyz.body);
    assert_error("search without model", &server.get("/v1/search?q=glass"), 503, "index_not_ready");
    assert_error("project without model", &server.get("/v1/projects/fx-0001"), 503, "index_not_ready");
    assert_error("bad request without model", &server.get("/v1/search?q=glass&limit=0"), 400, "invalid_parameter");
    assert_eq!(server.get("/healthz").status, 200);

    let status = server.stop();
    assert!(status.success(), "gip serve exited with {status} after SIGTERM");
}
