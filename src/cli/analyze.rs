use std::process::ExitCode;

use clap::Args;
use gip_analysis::{Analyzer, AnalyzerConfig, Lang, StageOutput};

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Language hint: ar, en or auto (per token by script).
    #[arg(long, default_value = "auto")]
    lang: String,
    /// Turn off the Arabic folds and stemming (to compare).
    #[arg(long)]
    no_arabic: bool,
    /// Print JSON instead of one line per stage.
    #[arg(long)]
    json: bool,
    /// Text to analyse.
    #[arg(required = true)]
    text: Vec<String>,
}

pub fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let lang: Lang = args.lang.parse()?;
    let config = AnalyzerConfig { arabic: !args.no_arabic, ..Default::default() };
    let analyzer = Analyzer::new(config);
    let text = args.text.join(" ");
    let stages = analyzer.explain(&text, lang);
    let tokens = analyzer.analyze(&text, lang);
    if args.json {
        let stages: Vec<_> = stages
            .iter()
            .map(|s| match &s.output {
                StageOutput::Text(t) => serde_json::json!({"stage": s.name, "text": t}),
                StageOutput::Tokens(t) => serde_json::json!({"stage": s.name, "tokens": t}),
            })
            .collect();
        let terms: Vec<_> = tokens
            .iter()
            .map(|t| serde_json::json!({"term": t.term, "position": t.position, "start": t.start, "end": t.end}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"stages": stages, "terms": terms}))?);
        return Ok(ExitCode::SUCCESS);
    }
    for stage in &stages {
        match &stage.output {
            StageOutput::Text(t) => println!("{:<14} {t}", stage.name),
            StageOutput::Tokens(t) => println!("{:<14} {}", stage.name, t.join(" | ")),
        }
    }
    Ok(ExitCode::SUCCESS)
}
