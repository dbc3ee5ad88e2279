//! Integration tests: each module drives the real `gatectl` binary.
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // tests print what they check, not gatectl output

mod alerts;
mod diff;
mod discovery;
mod docs;
mod examples;
mod exit_codes;
mod formats;
mod gaps;
mod gateways;
#[path = "support/generated.rs"]
mod generated;
mod hostile;
mod init;
mod injection;
mod lint;
mod litellm_live;
mod materialize;
mod nginx_cluster;
mod nginx_live;
mod nginx_mtls;
mod nginx_oauth2;
mod promises;
mod properties;
mod readme;
mod render;
mod render_json;
mod render_kong;
mod render_litellm;
mod render_truefoundry;
mod render_zuplo;
mod rules;
mod schema;
mod secrets;
mod sets;
mod shell;
mod stand_in;
mod suppression;
mod test;
mod test_servers;
mod verify;
mod verify_live;
