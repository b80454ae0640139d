//! Prints the interpretation of each question given on the command line as
//! pretty JSON: `cargo run -p gip-understanding --example parse -- "steel in Oman"`.

fn main() {
    for question in std::env::args().skip(1) {
        let interpretation = gip_understanding::parse(&question);
        match serde_json::to_string_pretty(&interpretation) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("failed to serialize the interpretation of {question:?}: {error}")
            }
        }
    }
}
