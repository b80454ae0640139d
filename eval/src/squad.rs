//! Turning SQuAD-format question answering files (SQuAD, XQuAD, ARCD, MLQA)
//! into retrieval sets: paragraphs become the corpus, and each question is
//! relevant to the paragraph that contains its answer.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{EvalError, Result};
use crate::set::{Doc, Query, write_beir_set};
use crate::trec::Qrels;

/// Language codes recognized in file names such as `xquad.ar.json`: the
/// languages of XQuAD and MLQA plus a few common neighbours.
const FILE_NAME_LANGS: [&str; 15] = [
    "ar", "de", "el", "en", "es", "fa", "fr", "hi", "ro", "ru", "th", "tr", "ur", "vi", "zh",
];

/// The `kind` written into the metadata of every imported query.
pub const SQUAD_QUERY_KIND: &str = "question";

/// Options for [`import_squad`].
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// One language tag per input file, in the same order. When empty, each
    /// file's tag comes from its name (`xquad.ar.json` → `ar`).
    pub langs: Vec<String>,
    /// Also write cross-lingual sets (questions of one language against the
    /// paragraphs of another) for questions whose ids appear in both.
    pub cross_lingual: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            langs: Vec::new(),
            cross_lingual: true,
        }
    }
}

/// The set folders written by [`import_squad`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// One entry per set folder, monolingual sets first, each group sorted by name.
    pub sets: Vec<ImportedSet>,
    /// Questions marked `is_impossible` (SQuAD 2.0) and left out, because no
    /// paragraph answers them.
    pub skipped_unanswerable: usize,
}

/// One set folder written by [`import_squad`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSet {
    /// Folder name, `<query lang>-<corpus lang>`.
    pub name: String,
    /// Folder path.
    pub dir: PathBuf,
    /// Language of the questions.
    pub query_lang: String,
    /// Language of the paragraphs.
    pub corpus_lang: String,
    /// Number of queries written.
    pub queries: usize,
    /// Number of paragraphs written.
    pub docs: usize,
}

#[derive(Deserialize)]
struct SquadFile {
    data: Vec<SquadArticle>,
}

#[derive(Deserialize)]
struct SquadArticle {
    #[serde(default)]
    title: String,
    paragraphs: Vec<SquadParagraph>,
}

#[derive(Deserialize)]
struct SquadParagraph {
    context: String,
    #[serde(default)]
    qas: Vec<SquadQuestion>,
}

#[derive(Deserialize)]
struct SquadQuestion {
    id: Value,
    question: String,
    #[serde(default)]
    is_impossible: bool,
}

/// The paragraphs and questions of one language, gathered from its files.
#[derive(Default)]
struct LanguageData {
    docs: Vec<Doc>,
    /// Question id → (question text, id of the paragraph that answers it).
    questions: BTreeMap<String, (String, String)>,
    /// Question ids in file order, so queries keep the source order.
    order: Vec<String>,
    articles: usize,
}

/// Imports SQuAD-format files into BEIR set folders under `out`.
///
/// Each paragraph becomes a document with id `<lang>-<article>-<paragraph>`
/// (0-based indices). Several files of one language are concatenated in the
/// given order, and their article indices continue across files, so the ids
/// stay stable for the same file list. Each question becomes a query with
/// its original id, relevant with grade 1 to its paragraph.
///
/// For every language a set `out/<lang>-<lang>` is written. With
/// `cross_lingual`, every ordered pair of languages that shares question
/// ids (parallel files such as XQuAD ar/en) also gets `out/<A>-<B>`: the
/// questions of A that also exist in B, judged against B's paragraphs.
///
/// Fails when no file is given or `opts.langs` is non-empty but not one per
/// file. It also fails when a file's language cannot be read from its name,
/// a file is not SQuAD JSON, a question id repeats within a language, or
/// writing fails.
pub fn import_squad(files: &[PathBuf], out: &Path, opts: &ImportOptions) -> Result<ImportSummary> {
    if files.is_empty() {
        return Err(EvalError::InvalidArgument(
            "no SQuAD file given; pass at least one, such as xquad.ar.json".into(),
        ));
    }
    if !opts.langs.is_empty() && opts.langs.len() != files.len() {
        return Err(EvalError::InvalidArgument(format!(
            "{} language tags given for {} files; give one per file or none",
            opts.langs.len(),
            files.len()
        )));
    }

    let mut languages: BTreeMap<String, LanguageData> = BTreeMap::new();
    let mut skipped_unanswerable = 0;
    for (index, file) in files.iter().enumerate() {
        let lang = match opts.langs.get(index) {
            Some(lang) => validate_lang(lang)?,
            None => lang_from_file_name(file)?,
        };
        let data = languages.entry(lang.clone()).or_default();
        skipped_unanswerable += read_squad_file(file, &lang, data)?;
    }

    let mut sets = Vec::new();
    for (lang, data) in &languages {
        sets.push(write_pair(out, lang, data, lang, data)?);
    }
    if opts.cross_lingual {
        for (query_lang, query_data) in &languages {
            for (corpus_lang, corpus_data) in &languages {
                if query_lang == corpus_lang {
                    continue;
                }
                let shared = query_data
                    .order
                    .iter()
                    .any(|id| corpus_data.questions.contains_key(id));
                if shared {
                    sets.push(write_pair(
                        out,
                        query_lang,
                        query_data,
                        corpus_lang,
                        corpus_data,
                    )?);
                }
            }
        }
    }

    Ok(ImportSummary {
        sets,
        skipped_unanswerable,
    })
}

/// Reads one file into `data` and returns how many unanswerable questions it skipped.
fn read_squad_file(path: &Path, lang: &str, data: &mut LanguageData) -> Result<usize> {
    let text = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    let file: SquadFile = serde_json::from_str(&text).map_err(|source| EvalError::InvalidJson {
        path: path.to_path_buf(),
        source,
    })?;

    let mut skipped = 0;
    for article in file.data {
        let article_index = data.articles;
        data.articles += 1;

        for (paragraph_index, paragraph) in article.paragraphs.into_iter().enumerate() {
            let doc_id = format!("{lang}-{article_index}-{paragraph_index}");

            for qa in paragraph.qas {
                if qa.is_impossible {
                    skipped += 1;
                    continue;
                }
                let id = question_id(&qa.id, path)?;
                if data.questions.contains_key(&id) {
                    return Err(EvalError::InvalidArgument(format!(
                        "question id {id:?} in {} repeats within language {lang:?}; ids must be unique per language",
                        path.display()
                    )));
                }
                data.order.push(id.clone());
                data.questions
                    .insert(id, (qa.question.trim().to_string(), doc_id.clone()));
            }

            data.docs.push(Doc {
                id: doc_id,
                title: article.title.clone(),
                text: paragraph.context.trim().to_string(),
                lang: Some(lang.to_string()),
            });
        }
    }
    Ok(skipped)
}

fn question_id(value: &Value, path: &Path) -> Result<String> {
    let id = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        other => {
            return Err(EvalError::InvalidArgument(format!(
                "question id {other} in {} is neither a string nor a number",
                path.display()
            )));
        }
    };
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(EvalError::InvalidArgument(format!(
            "question id {id:?} in {} must be non-empty and contain no whitespace",
            path.display()
        )));
    }
    Ok(id)
}

/// Writes the set of `query_lang` questions against `corpus_lang` paragraphs,
/// keeping only questions whose id also exists in the corpus language.
fn write_pair(
    out: &Path,
    query_lang: &str,
    query_data: &LanguageData,
    corpus_lang: &str,
    corpus_data: &LanguageData,
) -> Result<ImportedSet> {
    let name = format!("{query_lang}-{corpus_lang}");
    let dir = out.join(&name);

    let mut queries = Vec::new();
    let mut qrels = Qrels::default();
    for id in &query_data.order {
        let (Some((text, _)), Some((_, relevant_doc))) =
            (query_data.questions.get(id), corpus_data.questions.get(id))
        else {
            continue;
        };
        queries.push(Query {
            id: id.clone(),
            text: text.clone(),
            lang: Some(query_lang.to_string()),
            kind: Some(SQUAD_QUERY_KIND.to_string()),
        });
        qrels.insert(id, relevant_doc, 1);
    }

    let mut extra = Map::new();
    extra.insert("corpus_lang".into(), Value::from(corpus_lang));
    write_beir_set(&dir, &queries, &corpus_data.docs, &qrels, &extra)?;

    Ok(ImportedSet {
        name,
        dir,
        query_lang: query_lang.to_string(),
        corpus_lang: corpus_lang.to_string(),
        queries: queries.len(),
        docs: corpus_data.docs.len(),
    })
}

fn validate_lang(lang: &str) -> Result<String> {
    let valid = !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(EvalError::InvalidArgument(format!(
            "language tag {lang:?} is invalid; use a BCP 47 tag such as \"ar\" or \"en\""
        )));
    }
    Ok(lang.to_ascii_lowercase())
}

/// Finds the one known language code among the parts of a file name split on
/// `.`, `-` and `_`.
fn lang_from_file_name(path: &Path) -> Result<String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let found: BTreeSet<&str> = name
        .split(['.', '-', '_'])
        .filter(|part| FILE_NAME_LANGS.contains(part))
        .collect();

    // NOTE: MLQA's mixed files (context-ar-question-en) name two languages and
    // are rejected here, because this importer gives questions and paragraphs
    // of one file the same language.
    match found.len() {
        1 => Ok(found.into_iter().next().unwrap_or_default().to_string()),
        0 => Err(EvalError::InvalidArgument(format!(
            "no language code in the file name {name:?}; pass a language tag for it, such as --lang ar"
        ))),
        _ => Err(EvalError::InvalidArgument(format!(
            "the file name {name:?} names several languages {found:?}; pass one language tag for it"
        ))),
    }
}
