//! The platform administrators' work: the job queue (what failed, retrying it), and their
//! pages over the provinces, their admins and the national figures.

pub mod jobs;
pub mod pages;
