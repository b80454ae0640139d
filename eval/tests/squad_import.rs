//! SQuAD import on hand-made parallel files and, when present, on XQuAD.

use std::fs;
use std::path::{Path, PathBuf};

use gip_eval::{CorpusSource, EvalSet, ImportOptions, import_squad};
use serde_json::json;

/// Two articles; the Arabic file is a translation of the English one with
/// the same question ids, except that `q4` exists only in English.
fn write_parallel_files(dir: &Path) -> (PathBuf, PathBuf) {
    let en = json!({"version": "1.1", "data": [
        {"title": "Cement", "paragraphs": [
            {"context": "Yanbu cement plant produces one million tonnes.", "qas": [
                {"id": "q1", "question": "How much does the Yanbu plant produce?",
                 "answers": [{"text": "one million tonnes", "answer_start": 28}]}]},
            {"context": "The plant opened in 2019.", "qas": [
                {"id": "q2", "question": "When did the plant open?", "answers": []}]}
        ]},
        {"title": "Water", "paragraphs": [
            {"context": "Jubail hosts a large desalination plant.", "qas": [
                {"id": "q3", "question": "Where is the desalination plant?", "answers": []},
                {"id": "q4", "question": "What kind of plant is in Jubail?", "answers": []},
                {"id": "q5", "question": "Unanswerable here?", "answers": [], "is_impossible": true}]}
        ]}
    ]});
    let ar = json!({"version": "1.1", "data": [
        {"title": "الأسمنت", "paragraphs": [
            {"context": "ينتج مصنع أسمنت ينبع مليون طن.", "qas": [
                {"id": "q1", "question": "كم ينتج مصنع ينبع؟", "answers": []}]},
            {"context": "افتتح المصنع عام 2019.", "qas": [
                {"id": "q2", "question": "متى افتتح المصنع؟", "answers": []}]}
        ]},
        {"title": "المياه", "paragraphs": [
            {"context": "تستضيف الجبيل محطة تحلية كبيرة.", "qas": [
                {"id": "q3", "question": "أين محطة التحلية؟", "answers": []}]}
        ]}
    ]});

    let en_path = dir.join("mini.en.json");
    let ar_path = dir.join("mini.ar.json");
    fs::write(&en_path, en.to_string()).unwrap();
    fs::write(&ar_path, ar.to_string()).unwrap();
    (ar_path, en_path)
}

#[test]
fn import_writes_mono_and_cross_sets() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, en) = write_parallel_files(dir.path());
    let out = dir.path().join("sets");

    let summary = import_squad(&[ar, en], &out, &ImportOptions::default()).unwrap();

    let names: Vec<&str> = summary.sets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ar-ar", "en-en", "ar-en", "en-ar"]);
    assert_eq!(summary.skipped_unanswerable, 1);

    let en_en = EvalSet::load(&out.join("en-en")).unwrap();
    assert_eq!(en_en.queries.len(), 4);
    assert_eq!(en_en.queries[0].lang.as_deref(), Some("en"));
    assert_eq!(en_en.queries[0].kind.as_deref(), Some("question"));
    let CorpusSource::Docs(docs) = &en_en.corpus else {
        panic!("expected a document corpus");
    };
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["en-0-0", "en-0-1", "en-1-0"]);
    assert_eq!(docs[2].title, "Water");
    assert_eq!(en_en.qrels.get("q2").unwrap().get("en-0-1"), Some(&1));
    assert_eq!(en_en.qrels.get("q4").unwrap().get("en-1-0"), Some(&1));
    assert!(
        en_en.qrels.get("q5").is_none(),
        "unanswerable question skipped"
    );

    // Arabic questions against English paragraphs: q4 has no Arabic twin.
    let ar_en = EvalSet::load(&out.join("ar-en")).unwrap();
    assert_eq!(ar_en.queries.len(), 3);
    assert_eq!(ar_en.queries[0].text, "كم ينتج مصنع ينبع؟");
    assert_eq!(ar_en.queries[0].lang.as_deref(), Some("ar"));
    assert_eq!(ar_en.qrels.get("q3").unwrap().get("en-1-0"), Some(&1));

    let en_ar = EvalSet::load(&out.join("en-ar")).unwrap();
    assert_eq!(en_ar.queries.len(), 3);
    assert_eq!(en_ar.qrels.get("q1").unwrap().get("ar-0-0"), Some(&1));
    let CorpusSource::Docs(ar_docs) = &en_ar.corpus else {
        panic!("expected a document corpus");
    };
    assert_eq!(ar_docs[0].lang.as_deref(), Some("ar"));
}

#[test]
fn import_without_cross_lingual() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, en) = write_parallel_files(dir.path());
    let out = dir.path().join("sets");
    let opts = ImportOptions {
        cross_lingual: false,
        ..ImportOptions::default()
    };

    let summary = import_squad(&[ar, en], &out, &opts).unwrap();

    assert_eq!(summary.sets.len(), 2);
    assert!(!out.join("ar-en").exists());
}

#[test]
fn explicit_langs_override_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, _) = write_parallel_files(dir.path());
    let renamed = dir.path().join("arcd-test.json");
    fs::copy(&ar, &renamed).unwrap();
    let out = dir.path().join("sets");

    let error = import_squad(
        std::slice::from_ref(&renamed),
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("--lang"), "{error}");

    let opts = ImportOptions {
        langs: vec!["AR".to_string()],
        ..ImportOptions::default()
    };
    let summary = import_squad(std::slice::from_ref(&renamed), &out, &opts).unwrap();
    assert_eq!(summary.sets[0].name, "ar-ar");
    assert_eq!(summary.sets[0].docs, 3);

    let too_many = ImportOptions {
        langs: vec!["ar".to_string(), "en".to_string()],
        ..ImportOptions::default()
    };
    assert!(import_squad(&[renamed], &out, &too_many).is_err());
}

#[test]
fn files_of_one_language_concatenate() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("part1.en.json");
    let second = dir.path().join("part2.en.json");
    let file = |id: &str| {
        json!({"data": [{"title": "T", "paragraphs": [
            {"context": "text", "qas": [{"id": id, "question": "q?", "answers": []}]}]}]})
        .to_string()
    };
    fs::write(&first, file("a")).unwrap();
    fs::write(&second, file("b")).unwrap();
    let out = dir.path().join("sets");

    import_squad(&[first.clone(), second], &out, &ImportOptions::default()).unwrap();

    let set = EvalSet::load(&out.join("en-en")).unwrap();
    assert_eq!(set.qrels.get("a").unwrap().get("en-0-0"), Some(&1));
    assert_eq!(
        set.qrels.get("b").unwrap().get("en-1-0"),
        Some(&1),
        "article index continues"
    );

    // The same question id twice in one language is rejected.
    let error = import_squad(&[first.clone(), first], &out, &ImportOptions::default()).unwrap_err();
    assert!(error.to_string().contains("\"a\""), "{error}");
}

#[test]
fn invalid_squad_input_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.en.json");
    fs::write(&bad, r#"{"data": [{"paragraphs": [{"qas": []}]}]}"#).unwrap();
    let out = dir.path().join("sets");

    let error = import_squad(&[bad], &out, &ImportOptions::default()).unwrap_err();
    assert!(error.to_string().contains("bad.en.json"), "{error}");
    assert!(import_squad(&[], &out, &ImportOptions::default()).is_err());
}

#[test]
fn xquad_import_counts() {
    let xquad = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/xquad");
    let ar = xquad.join("xquad.ar.json");
    let en = xquad.join("xquad.en.json");
    if !ar.is_file() || !en.is_file() {
        println!("skipped: XQuAD files not found under {}", xquad.display());
        return;
    }
    let out = tempfile::tempdir().unwrap();

    let summary = import_squad(&[ar, en], out.path(), &ImportOptions::default()).unwrap();

    assert_eq!(summary.sets.len(), 4);
    for set in &summary.sets {
        assert_eq!(set.docs, 240, "{} paragraphs", set.name);
        assert_eq!(set.queries, 1190, "{} questions", set.name);

        let loaded = EvalSet::load(&set.dir).unwrap();
        assert_eq!(loaded.queries.len(), 1190, "{}", set.name);
        assert_eq!(loaded.judged_queries().count(), 1190, "{}", set.name);
        let CorpusSource::Docs(docs) = &loaded.corpus else {
            panic!("expected a document corpus");
        };
        assert_eq!(docs.len(), 240, "{}", set.name);
        assert!(
            docs.iter()
                .all(|d| d.lang.as_deref() == Some(set.corpus_lang.as_str()))
        );
    }

    // Parallel paragraphs share indices, so the cross-lingual qrels mirror
    // the monolingual ones with the other language prefix.
    let ar_ar = EvalSet::load(&out.path().join("ar-ar")).unwrap();
    let ar_en = EvalSet::load(&out.path().join("ar-en")).unwrap();
    for (query_id, docs) in &ar_ar.qrels.0 {
        let ar_doc = docs.keys().next().unwrap();
        let en_doc = ar_en.qrels.get(query_id).unwrap().keys().next().unwrap();
        assert_eq!(
            ar_doc.strip_prefix("ar-"),
            en_doc.strip_prefix("en-"),
            "{query_id}"
        );
    }
}
