//! `gatectl schema`: the policy JSON Schema, as checked in at `schema/policy.schema.json`.

use super::print;

pub fn run() -> u8 {
    print(&crate::check::schema::to_pretty_string())
}
