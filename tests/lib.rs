//! Integration tests: each module drives the real `gatectl` binary.
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // tests print what they check, not gatectl output

mod alerts;
mod diff;
mod examples;
mod exit_codes;
mod formats;
mod gateways;
mod hostile;
mod injection;
mod lint;
mod litellm_live;
mod materialize;
mod nginx_cluster;
mod nginx_live;
mod nginx_mtls;
mod nginx_oauth2;
mod readme;
mod render;
mod render_kong;
mod render_litellm;
mod render_truefoundry;
mod render_zuplo;
mod rules;
mod schema;
mod secrets;
mod stand_in;
mod suppression;
mod test;
mod test_servers;
mod verify;
mod verify_live;
