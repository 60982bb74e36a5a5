use crate::code_enum;

code_enum! {
    /// What a notification is about; each kind has its own email preference.
    pub enum Kind {
        NewMatch => "new_match",
        MatchResponse => "match_response",
        ReviewDecision => "review_decision",
        SavedSearch => "saved_search",
        ExpiryReminder => "expiry_reminder",
        /// For a province's admins: the week's figures, every Monday.
        WeeklySummary => "weekly_summary",
        /// For organization owners: what became of a match, 30, 90 and 180 days on.
        FollowUp => "follow_up",
    }
}

code_enum! {
    /// How a user wants to be emailed about one kind of notification.
    pub enum Mode {
        Instant => "instant",
        Daily => "daily",
        Off => "off",
    }
}

/// What became of a notification's email.
pub mod email_state {
    /// Queued for sending at once.
    pub const INSTANT: &str = "instant";
    /// Waiting for the next daily digest.
    pub const DIGEST: &str = "digest";
    /// Included in a digest.
    pub const DIGESTED: &str = "digested";
    /// The user does not want email for this kind.
    pub const OFF: &str = "off";
}

impl Mode {
    /// Everyone is emailed at once unless they choose otherwise.
    pub const DEFAULT: Mode = Mode::Instant;
}
