//! What the layout of every page needs: its language and title, who is looking, the
//! assets, and where the language switch comes back to.

use super::assets::{self, Paths};
use super::visitor::{Member, Visitor};
use crate::i18n::Lang;

/// Which part of the site a page belongs to, for the navigation's `aria-current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    None,
    Home,
    Marketplace,
    Directory,
    Organizations,
    Matches,
    Notifications,
    Account,
    Review,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::None => "",
            Section::Home => "home",
            Section::Marketplace => "marketplace",
            Section::Directory => "directory",
            Section::Organizations => "organizations",
            Section::Matches => "matches",
            Section::Notifications => "notifications",
            Section::Account => "account",
            Section::Review => "review",
        }
    }
}

pub struct Frame<'a> {
    pub lang: Lang,
    pub title: String,
    pub visitor: Option<&'a Visitor>,
    pub assets: &'static Paths,
    pub here: String,
    pub section: Section,
    /// A short message at the top of the page (after a form was handled).
    pub flash: Option<String>,
}

impl<'a> Frame<'a> {
    pub fn new(visitor: &'a Visitor, title: impl Into<String>, section: Section) -> Frame<'a> {
        Frame {
            lang: visitor.lang,
            title: title.into(),
            visitor: Some(visitor),
            assets: assets::paths(),
            here: visitor.here.clone(),
            section,
            flash: None,
        }
    }

    /// For pages drawn without knowing who looks (error pages).
    pub fn bare(lang: Lang, title: &str, here: &str) -> Frame<'static> {
        Frame {
            lang,
            title: title.to_owned(),
            visitor: None,
            assets: assets::paths(),
            here: here.to_owned(),
            section: Section::None,
            flash: None,
        }
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Self {
        self.flash = flash;
        self
    }

    /// The page's words in its language: Vietnamese first.
    pub fn t(&self, vi: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(vi, en)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn member(&self) -> Option<&Member> {
        self.visitor.and_then(|v| v.member.as_ref())
    }

    pub fn csrf(&self) -> &str {
        self.visitor.map_or("", |v| v.csrf.as_str())
    }

    /// Whether this page belongs to the named section (`marketplace`, `matches`…).
    pub fn at(&self, name: &str) -> bool {
        self.section.name() == name
    }

    /// The language switch's address for `code`, coming back here.
    pub fn switch_to(&self, code: &str) -> String {
        format!("/lang/{code}?next={}", form_urlencoded::byte_serialize(self.here.as_bytes()).collect::<String>())
    }

    /// The sign-in address that comes back here.
    pub fn sign_in_here(&self) -> String {
        format!("/sign-in?next={}", form_urlencoded::byte_serialize(self.here.as_bytes()).collect::<String>())
    }
}
