//! Every kind of email the service sends, rendered in Vietnamese and English from fixed
//! inputs and compared with its golden files (see tests/golden/README.md). Each message is
//! taken as the transport gets it: link token put in, unsubscribe address signed.
//!
//! Notices (decisions, reminders, matches, saved searches, the weekly summary) are built
//! as their features build them — same key, link and kind — and turned into the email by
//! `notify::emails::single`, as `notify::publish` does for an instant preference.

use chrono::{NaiveDate, NaiveDateTime};
use secrecy::ExposeSecret;

mod files;

use crate::auth::emails::{AccountEmail, password_reset, verification};
use crate::email::OutgoingEmail;
use crate::i18n::Lang;
use crate::listings::emails::{ListingEvent, ListingNotice};
use crate::listings::lifecycle::ListingAction;
use crate::matching::lifecycle::{DeclineReason, Response, Side};
use crate::matching::notices::{answer_message, introduction_message, new_match_message};
use crate::notify::emails::{DigestEmail, digest, single};
use crate::notify::saved_searches::{FoundListing, new_listings_message};
use crate::notify::store::Notification;
use crate::notify::unsubscribe::{DIGEST_SCOPE, UnsubscribeKey};
use crate::notify::{Kind, Notice, unsubscribe_link};
use crate::registry::emails::{Decision, InvitationEmail, invitation};
use crate::registry::lifecycle::OrgAction;
use crate::registry::model::MemberRole;
use crate::reports::model::{
    KindStatusCount, ListingFigures, MatchFigures, OrganizationFigures, ProvinceFigures, ProvinceRef, QueueFigures,
    ReviewFigures, TargetProgress,
};
use crate::reports::period::{Period, week_label};
use crate::reports::store::QueuedItem;
use crate::secrets::ServerKeys;
use files::assert_golden;

const BOTH: [Lang; 2] = [Lang::Vi, Lang::En];

/// With a trailing slash, as a configuration may have it: links must not double it.
const PUBLIC_URL: &str = "https://techbridge.example.vn/";
const SITE: &str = "https://techbridge.example.vn";

const USER_ID: &str = "0192f0c4-5b1e-7a3d-9c2f-4e8b1d6a7f10";
const USER_EMAIL: &str = "thuha.nguyen@example.vn";
const USER_NAME: &str = "Nguyễn Thị Thu Hà";
/// A name as someone may type it, with every character HTML must escape.
const MARKUP_NAME: &str = "Phạm Văn <b>Đức</b> & \"Tí\" 'Út'";
const MARKUP_NAME_EMAIL: &str = "duc.pham@example.vn";

const PROVINCE_ID: &str = "19";
const PROVINCE: &str = "Thái Nguyên";

const ORG_ID: &str = "0192f0c4-6a20-7d11-8b3e-5f9c2a0e4d21";
const ORG_NAME: &str = "Công ty CP Chè <b>Tân Cương</b> & \"Xanh\" 'Sạch'";
const LISTING_ID: &str = "0192f0c4-7c31-7e42-a15d-6b0d3f1e5a32";
const LISTING_TITLE: &str = "Dây chuyền sấy chè <b>bảo quản</b> & \"giữ hương\" 'tự nhiên'";
const OTHER_LISTING_TITLE: &str = "Cần công nghệ chế biến chè xanh chất lượng cao";
const OTHER_ORG_NAME: &str = "Hợp tác xã Nông nghiệp Đồng Hỷ";
const MATCH_ID: &str = "0192f0c4-8d42-7f53-b26e-7c1e4a2f6b43";

fn keys() -> ServerKeys {
    ServerKeys::derive(&[7u8; 32]).unwrap()
}

/// What the transport is handed: the link's token put in, as the `send_email` job does.
fn sent(email: OutgoingEmail) -> OutgoingEmail {
    email.for_transport(&keys())
}

fn unsubscribe(user_id: &str, scope: &str) -> String {
    let key = UnsubscribeKey::new(keys().email_links.expose_secret()).unwrap();
    unsubscribe_link(PUBLIC_URL, &key, user_id, scope)
}

/// The email of a notice for someone who wants it at once (`notify::publish`).
fn instant(notice: &Notice<'_>) -> OutgoingEmail {
    sent(single(notice, &unsubscribe(notice.user_id, notice.kind.as_str())))
}

fn at(date: &str, time: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M:%S").unwrap()
}

fn day(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()
}

fn account_email(lang: Lang, valid_for: &str) -> AccountEmail<'_> {
    AccountEmail {
        lang,
        to: MARKUP_NAME_EMAIL,
        full_name: MARKUP_NAME,
        token_id: "0192f0c4-9e53-7064-c37f-8d2f5b3a7c54",
        public_url: PUBLIC_URL,
        valid_for,
    }
}

#[test]
fn account_verification() {
    for lang in BOTH {
        // As registration words the default validity.
        let valid_for = lang.pick("24 giờ", "24 hours");
        assert_golden("account-verification", lang, &sent(verification(&account_email(lang, valid_for))));
    }
}

#[test]
fn account_password_reset() {
    for lang in BOTH {
        let valid_for = lang.pick("60 phút", "60 minutes");
        assert_golden("account-password-reset", lang, &sent(password_reset(&account_email(lang, valid_for))));
    }
}

#[test]
fn org_invitation() {
    for (kind, role) in [("org-invitation-editor", MemberRole::Editor), ("org-invitation-owner", MemberRole::Owner)] {
        for lang in BOTH {
            let email = invitation(&InvitationEmail {
                lang,
                to: "minh.tran@example.vn",
                inviter_name: USER_NAME,
                org_name: ORG_NAME,
                role,
                invitation_id: "0192f0c4-af64-7175-d48a-9e3a6c4b8d65",
                public_url: PUBLIC_URL,
                valid_days: crate::registry::membership::INVITATION_VALID_DAYS,
            });
            assert_golden(kind, lang, &sent(email));
        }
    }
}

/// An organization's review decision, told to one of its owners (`registry::service`).
fn org_decision_email(
    lang: Lang,
    action: OrgAction,
    reason: Option<&str>,
    comments: &[(String, String)],
) -> OutgoingEmail {
    let (title, paragraphs) = crate::registry::emails::decision(&Decision {
        lang,
        org_name: ORG_NAME,
        province_name: PROVINCE,
        action,
        reason,
        field_comments: comments,
    });
    let version = 4;
    instant(&Notice {
        user_id: USER_ID,
        kind: Kind::ReviewDecision,
        event_key: format!("org-decision:{ORG_ID}:{version}:{USER_ID}"),
        lang,
        to: USER_EMAIL,
        to_name: USER_NAME,
        province_name: Some(PROVINCE),
        tenant_id: Some(PROVINCE_ID),
        title,
        paragraphs,
        link: Some(format!("{SITE}/orgs/{ORG_ID}")),
        entity: Some((crate::registry::service::ENTITY, ORG_ID)),
    })
}

/// In field order, as the decision's map of comments gives them.
fn field_comments() -> Vec<(String, String)> {
    vec![
        ("address".to_owned(), "Ghi rõ xã <phường> & tỉnh mới".to_owned()),
        ("tax_code".to_owned(), "Mã số thuế chưa khớp với giấy đăng ký kinh doanh".to_owned()),
    ]
}

#[test]
fn org_decisions() {
    let comments = field_comments();
    for lang in BOTH {
        let reason = |vi, en| Some(lang.pick(vi, en));
        let cases = [
            ("org-decision-approved", OrgAction::Approve, None, &[][..]),
            (
                "org-decision-rejected",
                OrgAction::Reject,
                reason("Không phải tổ chức KH&CN", "Not a science & technology organization"),
                &[][..],
            ),
            (
                "org-decision-changes-requested",
                OrgAction::RequestChanges,
                reason("Hồ sơ còn thiếu thông tin", "Some details are missing"),
                &comments[..],
            ),
            (
                "org-decision-suspended",
                OrgAction::Suspend,
                reason("Giấy phép hết hiệu lực", "The licence has lapsed"),
                &[][..],
            ),
            (
                "org-decision-reinstated",
                OrgAction::Reinstate,
                reason("Đã bổ sung giấy phép mới", "A new licence was provided"),
                &[][..],
            ),
        ];
        for (kind, action, reason, comments) in cases {
            assert_golden(kind, lang, &org_decision_email(lang, action, reason, comments));
        }
    }
}

/// A listing's notice, told to one of its organization's owners (`listings::service`).
fn listing_email(
    lang: Lang,
    event: ListingEvent,
    occurrence: &str,
    reason: Option<&str>,
    comments: &[(String, String)],
) -> OutgoingEmail {
    use crate::listings::emails::{event_key, kind, notice};
    let (title, paragraphs) = notice(&ListingNotice {
        lang,
        title: LISTING_TITLE,
        province_name: PROVINCE,
        event,
        reason,
        field_comments: comments,
    });
    instant(&Notice {
        user_id: USER_ID,
        kind: kind(event),
        event_key: format!("{}:{LISTING_ID}:{occurrence}:{USER_ID}", event_key(event)),
        lang,
        to: USER_EMAIL,
        to_name: USER_NAME,
        province_name: Some(PROVINCE),
        tenant_id: Some(PROVINCE_ID),
        title,
        paragraphs,
        link: Some(format!("{SITE}/listings/{LISTING_ID}")),
        entity: Some((crate::listings::service::ENTITY, LISTING_ID)),
    })
}

#[test]
fn listing_decisions() {
    let comments = [
        ("price".to_owned(), "Nêu giá chuyển giao hoặc \"thỏa thuận\"".to_owned()),
        ("trl".to_owned(), "Mức TRL 7 cần có biên bản thử nghiệm".to_owned()),
    ];
    for lang in BOTH {
        let reason = |vi, en| Some(lang.pick(vi, en));
        let cases = [
            ("listing-decision-approved", ListingAction::Approve, None, &[][..]),
            (
                "listing-decision-rejected",
                ListingAction::Reject,
                reason("Trùng với tin đã đăng", "Duplicates a published listing"),
                &[][..],
            ),
            (
                "listing-decision-changes-requested",
                ListingAction::RequestChanges,
                reason("Cần bổ sung thông số kỹ thuật", "Technical specifications are needed"),
                &comments[..],
            ),
        ];
        for (kind, action, reason, comments) in cases {
            assert_golden(kind, lang, &listing_email(lang, ListingEvent::Decision(action), "v3", reason, comments));
        }
    }
}

#[test]
fn listing_expiry_reminder() {
    let expires_at = at("2026-12-15", "09:30:00");
    for lang in BOTH {
        // The reminder's occurrence is the expiry's timestamp (`listings::expiry`).
        let occurrence = expires_at.and_utc().timestamp().to_string();
        let email = listing_email(lang, ListingEvent::ExpiresSoon { expires_at }, &occurrence, None, &[]);
        assert_golden("listing-expiry-reminder", lang, &email);
    }
}

#[test]
fn listing_expired() {
    for lang in BOTH {
        assert_golden("listing-expired", lang, &listing_email(lang, ListingEvent::Expired, "v5", None, &[]));
    }
}

/// A match notice to one member of one side (`matching::notices::tell_side`).
fn match_email(lang: Lang, kind: Kind, event: &str, (title, paragraphs): (String, Vec<String>)) -> OutgoingEmail {
    instant(&Notice {
        user_id: USER_ID,
        kind,
        event_key: format!("match:{MATCH_ID}:{event}:{USER_ID}"),
        lang,
        to: USER_EMAIL,
        to_name: USER_NAME,
        province_name: Some(PROVINCE),
        tenant_id: Some(PROVINCE_ID),
        title,
        paragraphs,
        link: Some(format!("{SITE}/matches/{MATCH_ID}")),
        entity: Some(("match", MATCH_ID)),
    })
}

#[test]
fn match_suggested() {
    // Each side is told of the other's listing.
    let sides = [
        ("match-suggested-offer", Side::Offer, LISTING_TITLE, OTHER_LISTING_TITLE, OTHER_ORG_NAME),
        ("match-suggested-need", Side::Need, OTHER_LISTING_TITLE, LISTING_TITLE, ORG_NAME),
    ];
    for (kind, side, own_title, other_title, other_org_name) in sides {
        for lang in BOTH {
            let message = new_match_message(lang, side, 82, own_title, other_title, other_org_name);
            assert_golden(kind, lang, &match_email(lang, Kind::NewMatch, "suggested", message));
        }
    }
}

#[test]
fn match_answered() {
    // The need's side answered; the offer's side is told.
    let cases = [
        ("match-interested", Response::Interested, None),
        ("match-declined", Response::Declined, Some(DeclineReason::PriceOrBudget)),
    ];
    for (kind, response, reason) in cases {
        for lang in BOTH {
            let message = answer_message(lang, response, reason, LISTING_TITLE, OTHER_LISTING_TITLE);
            let event = format!("{}-{}", Side::Need.as_str(), response.as_str());
            assert_golden(kind, lang, &match_email(lang, Kind::MatchResponse, &event, message));
        }
    }
}

#[test]
fn match_requested() {
    // An enterprise with no listing of its own asks about an offer.
    let answers = crate::matching::notices::RequestAnswers {
        purpose: "Sấy chè xanh & <b>chè đen</b> cho 40 hộ xã viên",
        timing: "Trước vụ chè xuân 2027",
        terms: "Khoảng 800 triệu đồng, trả theo tiến độ",
    };
    for lang in BOTH {
        let message = crate::matching::notices::request_message(lang, LISTING_TITLE, OTHER_ORG_NAME, None, answers);
        assert_golden("match-requested", lang, &match_email(lang, Kind::NewMatch, "requested", message));
    }
}

#[test]
fn match_connected() {
    // No phone given: the email says so.
    let contact = (Some("Hoàng Văn Thắng".to_owned()), Some("thang.hoang@donghy.example.vn".to_owned()), None);
    for lang in BOTH {
        let message = introduction_message(lang, LISTING_TITLE, OTHER_LISTING_TITLE, OTHER_ORG_NAME, &contact);
        assert_golden("match-connected", lang, &match_email(lang, Kind::MatchResponse, "connected", message));
    }
}

#[test]
fn saved_search_new_listings() {
    let found = [
        FoundListing { id: LISTING_ID, title: LISTING_TITLE, org_name: ORG_NAME },
        FoundListing {
            id: "0192f0c4-b075-7286-e59b-af4b7d5c9e76",
            title: "Chế phẩm vi sinh xử lý bã chè",
            org_name: "Viện Khoa học Sự sống – Đại học Thái Nguyên",
        },
    ];
    let search_id = "0192f0c4-c186-7397-f6ac-b05c8e6daf87";
    let fingerprint = crate::notify::saved_searches::fingerprint(found.iter().map(|listing| listing.id));
    for lang in BOTH {
        let (title, paragraphs) = new_listings_message(lang, "Chè & <b>sấy</b> \"nhanh\"", SITE, &found);
        let email = instant(&Notice {
            user_id: USER_ID,
            kind: Kind::SavedSearch,
            event_key: format!("saved-search:{search_id}:{fingerprint}"),
            lang,
            to: USER_EMAIL,
            to_name: USER_NAME,
            province_name: None,
            tenant_id: None,
            title,
            paragraphs,
            link: Some(format!("{SITE}/listings")),
            entity: Some(("saved_search", search_id)),
        });
        assert_golden("saved-search-new-listings", lang, &email);
    }
}

fn week_figures(week_start: NaiveDate, now: NaiveDateTime) -> ProvinceFigures {
    let count =
        |kind: &str, status: &str, count| KindStatusCount { kind: kind.to_owned(), status: status.to_owned(), count };
    ProvinceFigures {
        province: ProvinceRef { code: PROVINCE_ID.to_owned(), name_vi: PROVINCE.to_owned() },
        view: "full".to_owned(),
        period: Period { from: Some(week_start), to: Some(week_start + chrono::Duration::days(6)) },
        generated_at: now,
        st_enterprises: TargetProgress {
            indicator: "st_enterprises".to_owned(),
            actual: 41,
            target: Some(60),
            target_year: Some(2030),
        },
        targets: Vec::new(),
        organizations: OrganizationFigures {
            approved: 3,
            approved_by_kind: Vec::new(),
            registered: Some(5),
            by_kind_status: None,
            registrations_per_month: None,
        },
        listings: ListingFigures {
            published_offers: 4,
            published_needs: 2,
            by_kind_status: Some(vec![
                count("offer", "published", 4),
                count("offer", "pending", 3),
                count("need", "published", 2),
            ]),
            by_st_field: Vec::new(),
            by_strategic_tag: Vec::new(),
        },
        matches: MatchFigures { by_state: None, total: Some(11), connections: 3, deals: 1, deal_value_vnd: None },
        deals: {
            use crate::outcomes::figures::{Events, Scope, deal_figures};
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
            deal_figures(&Events::default(), Scope::Nation, Some(day), Some(day), day, true, true)
        },
        review: Some(ReviewFigures {
            decisions: 9,
            median_hours: Some(26.5),
            p90_hours: Some(70.0),
            per_month: Vec::new(),
            queue: QueueFigures {
                organizations: 2,
                listings: 3,
                total: 5,
                oldest_submitted_at: Some(at("2026-11-09", "03:15:00")),
                oldest_waiting_hours: Some(334.0),
                by_age: Vec::new(),
            },
        }),
    }
}

fn waiting_item(item_type: &'static str, name: &str, submitted_at: NaiveDateTime) -> QueuedItem {
    QueuedItem {
        item_type,
        id: format!("{item_type}-{}", submitted_at.and_utc().timestamp()),
        kind: if item_type == "org" { "st_enterprise" } else { "offer" }.to_owned(),
        name: name.to_owned(),
        organization: ORG_NAME.to_owned(),
        version: 1,
        submitted_at: Some(submitted_at),
    }
}

/// A province's weekly summary, to one of its admins (`reports::weekly::send_one`).
fn weekly_email(
    lang: Lang,
    figures: &ProvinceFigures,
    waiting: &[QueuedItem],
    week_start: NaiveDate,
    now: NaiveDateTime,
) -> OutgoingEmail {
    let (title, paragraphs) = crate::reports::weekly::summary(lang, PROVINCE, week_start, figures, waiting, now);
    instant(&Notice {
        user_id: USER_ID,
        kind: Kind::WeeklySummary,
        event_key: format!("weekly:{PROVINCE_ID}:{}:{USER_ID}", week_label(week_start)),
        lang,
        to: USER_EMAIL,
        to_name: USER_NAME,
        province_name: Some(PROVINCE),
        tenant_id: Some(PROVINCE_ID),
        title,
        paragraphs,
        link: Some(crate::reports::weekly::figures_link(PUBLIC_URL, PROVINCE_ID, week_start)),
        entity: None,
    })
}

#[test]
fn weekly_summary() {
    let week_start = day("2026-11-16");
    // Monday 08:05 in Vietnam.
    let now = at("2026-11-23", "01:05:00");
    let figures = week_figures(week_start, now);
    let waiting = [
        waiting_item("org", ORG_NAME, at("2026-11-09", "03:15:00")),
        waiting_item("listing", LISTING_TITLE, at("2026-11-12", "10:40:00")),
        waiting_item("listing", OTHER_LISTING_TITLE, at("2026-11-20", "08:00:00")),
    ];
    for lang in BOTH {
        assert_golden("weekly-summary", lang, &weekly_email(lang, &figures, &waiting, week_start, now));
    }
}

#[test]
fn weekly_summary_without_review_times_or_waiting_items() {
    let week_start = day("2026-11-16");
    let now = at("2026-11-23", "01:05:00");
    let mut figures = week_figures(week_start, now);
    figures.listings.by_kind_status = Some(Vec::new());
    figures.listings.published_offers = 0;
    figures.listings.published_needs = 0;
    figures.matches.total = Some(0);
    figures.matches.connections = 0;
    figures.matches.deals = 0;
    if let Some(review) = figures.review.as_mut() {
        review.decisions = 0;
        review.median_hours = None;
        review.queue.total = 0;
    }
    for lang in BOTH {
        assert_golden("weekly-summary-nothing-waiting", lang, &weekly_email(lang, &figures, &[], week_start, now));
    }
}

fn notification(title: &str, link: Option<String>, created_at: NaiveDateTime) -> Notification {
    Notification {
        id: format!("n-{}", created_at.and_utc().timestamp()),
        kind: Kind::NewMatch.as_str().to_owned(),
        title: title.to_owned(),
        body: String::new(),
        link,
        entity_type: None,
        entity_id: None,
        created_at,
        read_at: None,
    }
}

#[test]
fn daily_digest() {
    let unsubscribe_url = unsubscribe(USER_ID, DIGEST_SCOPE);
    for lang in BOTH {
        // Titles were written in the reader's language; times are stored in UTC and shown
        // in Vietnam's.
        let items = [
            notification(
                &match lang {
                    Lang::Vi => format!("Gợi ý kết nối mới cho \"{LISTING_TITLE}\""),
                    Lang::En => format!("New match for \"{LISTING_TITLE}\""),
                },
                Some(format!("{SITE}/matches/{MATCH_ID}")),
                at("2026-11-24", "02:15:00"),
            ),
            notification(
                &match lang {
                    Lang::Vi => format!("Tin \"{OTHER_LISTING_TITLE}\" sắp hết hạn"),
                    Lang::En => format!("\"{OTHER_LISTING_TITLE}\" expires soon"),
                },
                Some(format!("{SITE}/listings/{LISTING_ID}")),
                at("2026-11-24", "16:45:00"),
            ),
            notification(
                lang.pick("Thông báo từ Sở KH&CN Thái Nguyên", "A notice from the Department of S&T of Thái Nguyên"),
                None,
                at("2026-11-25", "00:05:00"),
            ),
        ];
        let email = digest(&DigestEmail {
            lang,
            user_id: USER_ID,
            to: MARKUP_NAME_EMAIL,
            to_name: MARKUP_NAME,
            items: &items,
            date: day("2026-11-25"),
            unsubscribe_url: &unsubscribe_url,
        });
        assert_golden("daily-digest", lang, &sent(email));
    }
}

#[test]
fn match_follow_up() {
    use crate::outcomes::follow_up_email::{FollowUpEmail, follow_up};
    use crate::outcomes::follow_ups::{FollowUpAnswer, subject};
    let key = UnsubscribeKey::new(keys().email_links.expose_secret()).unwrap();
    let signed = subject(MATCH_ID, Side::Need, 90);
    let tokens: Vec<(FollowUpAnswer, String)> =
        FollowUpAnswer::OFFERED.iter().map(|a| (*a, key.sign(&signed, &a.code()))).collect();
    for lang in BOTH {
        let email = follow_up(&FollowUpEmail {
            lang,
            user_id: USER_ID,
            to: USER_EMAIL,
            to_name: USER_NAME,
            province_name: PROVINCE,
            match_id: MATCH_ID,
            side: Side::Need,
            milestone: 90,
            other_org_name: ORG_NAME,
            public_url: PUBLIC_URL,
            answer_tokens: &tokens,
            unsubscribe_url: &unsubscribe(USER_ID, Kind::FollowUp.as_str()),
        });
        assert_golden("match-follow-up", lang, &sent(email));
    }
}
