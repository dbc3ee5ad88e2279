//! `gatectl schema`: the policy JSON Schema, as checked in at `schema/policy.schema.json`, or the
//! field-by-field reference generated from it (`docs/policy.md`).

use clap::Args;

use super::print;

#[derive(Args)]
pub struct SchemaArgs {
    #[arg(long, value_enum, default_value_t = SchemaFormat::Json)]
    format: SchemaFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaFormat {
    /// The JSON Schema (draft 2020-12).
    Json,
    /// The policy reference page, every field described (docs/policy.md).
    Markdown,
}

pub fn run(args: &SchemaArgs) -> u8 {
    match args.format {
        SchemaFormat::Json => print(&crate::check::schema::to_pretty_string()),
        SchemaFormat::Markdown => print(&crate::report::docs::policy_reference(&crate::check::schema::generate())),
    }
}
