//! What an item looked like when its province last decided on it (approved an
//! organization, published a listing, or asked for changes), and what changed since: the
//! officer reviewing an edit or a resubmission reads the difference instead of the whole
//! record again.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::schema::review_snapshots;
use crate::error::AppError;

/// Field → its value as a person reads it (lists joined, codes with their names).
pub type Fields = BTreeMap<String, String>;

/// The fields of a JSON view, flattened for comparison: `skip` names keys left out (the
/// state, the version, what is not reviewed). Lists of codes become "code name; code
/// name", lists of words "a, b", empty values are left out.
pub fn flatten(view: &Value, skip: &[&str]) -> Fields {
    let mut fields = Fields::new();
    let Some(object) = view.as_object() else { return fields };
    for (key, value) in object {
        if skip.contains(&key.as_str()) {
            continue;
        }
        if let Some(text) = shown(value).filter(|t| !t.is_empty()) {
            fields.insert(key.clone(), text);
        }
    }
    fields
}

fn shown(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(shown).filter(|p| !p.is_empty()).collect();
            let separator = if items.iter().any(Value::is_object) { "; " } else { ", " };
            Some(parts.join(separator))
        }
        // A code with its name ({code, name_vi, …}), or a small record: its values in order.
        Value::Object(object) => {
            if let Some(code) = object.get("code").and_then(Value::as_str) {
                let name = object.get("name_vi").and_then(Value::as_str).unwrap_or_default();
                return Some(format!("{code} {name}").trim().to_owned());
            }
            let parts: Vec<String> = object.values().filter_map(shown).filter(|p| !p.is_empty()).collect();
            Some(parts.join(" · "))
        }
    }
}

/// One field that differs from the version last decided on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    /// As decided on; absent when the field was empty then.
    pub before: Option<String>,
    /// As it stands; absent when it has been emptied.
    pub after: Option<String>,
}

/// The fields whose value differs between `before` and `after`, in field order.
pub fn changes(before: &Fields, after: &Fields) -> Vec<FieldChange> {
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| before.get(*name) != after.get(*name))
        .map(|name| FieldChange {
            field: name.clone(),
            before: before.get(name).cloned(),
            after: after.get(name).cloned(),
        })
        .collect()
}

/// The item as the province last decided on it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub version: i32,
    /// The decision's action: `approve` or `request_changes`.
    pub decision: String,
    pub fields: Fields,
    pub decided_by: Option<String>,
    pub decided_at: NaiveDateTime,
}

/// Keeps `snapshot` as the item's last decided version (replacing the one before).
pub fn record(
    conn: &mut DbConnection,
    entity_type: &str,
    entity_id: &str,
    snapshot: &Snapshot,
) -> Result<(), AppError> {
    diesel::delete(
        review_snapshots::table
            .filter(review_snapshots::entity_type.eq(entity_type))
            .filter(review_snapshots::entity_id.eq(entity_id)),
    )
    .execute(conn)?;
    diesel::insert_into(review_snapshots::table)
        .values((
            review_snapshots::entity_type.eq(entity_type),
            review_snapshots::entity_id.eq(entity_id),
            review_snapshots::version.eq(snapshot.version),
            review_snapshots::decision.eq(&snapshot.decision),
            review_snapshots::fields.eq(serde_json::to_string(&snapshot.fields)?),
            review_snapshots::decided_by.eq(snapshot.decided_by.as_deref()),
            review_snapshots::decided_at.eq(snapshot.decided_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn last_decided(conn: &mut DbConnection, entity_type: &str, entity_id: &str) -> Result<Option<Snapshot>, AppError> {
    let row: Option<(i32, String, String, Option<String>, NaiveDateTime)> = review_snapshots::table
        .filter(review_snapshots::entity_type.eq(entity_type))
        .filter(review_snapshots::entity_id.eq(entity_id))
        .select((
            review_snapshots::version,
            review_snapshots::decision,
            review_snapshots::fields,
            review_snapshots::decided_by,
            review_snapshots::decided_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(version, decision, fields, decided_by, decided_at)| Snapshot {
        version,
        decision,
        // A snapshot that no longer reads shows every field as new rather than failing.
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        decided_by,
        decided_at,
    }))
}

/// What changed since the province last decided on the item, as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChangesView {
    /// The version the province last approved or sent back for changes; absent when it
    /// never decided on the item.
    pub reviewed_version: Option<i32>,
    /// That decision: `approve` or `request_changes`.
    pub reviewed_decision: Option<String>,
    #[serde(serialize_with = "crate::http::time::utc_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reviewed_at: Option<NaiveDateTime>,
    pub current_version: i32,
    /// Empty when nothing changed, or when there is no decided version to compare with.
    pub changes: Vec<FieldChange>,
}

impl ChangesView {
    pub fn between(snapshot: Option<&Snapshot>, current: &Fields, current_version: i32) -> ChangesView {
        ChangesView {
            reviewed_version: snapshot.map(|s| s.version),
            reviewed_decision: snapshot.map(|s| s.decision.clone()),
            reviewed_at: snapshot.map(|s| s.decided_at),
            current_version,
            changes: snapshot.map(|s| changes(&s.fields, current)).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_view_flattens_to_what_a_person_reads() {
        let view = json!({
            "id": "x", "status": "approved", "legal_name": "Công ty A", "tax_code": null, "year_founded": 2019,
            "st_fields": [{"code": "207", "version": "2024", "name_vi": "Kỹ thuật môi trường"}, {"code": "405", "name_vi": "Thủy sản"}],
            "keywords": ["nước thải", "vi sinh"], "address": "", "price_negotiable": false,
        });
        let fields = flatten(&view, &["id", "status"]);
        assert_eq!(fields.get("legal_name").map(String::as_str), Some("Công ty A"));
        assert_eq!(fields.get("year_founded").map(String::as_str), Some("2019"));
        assert_eq!(fields.get("st_fields").map(String::as_str), Some("207 Kỹ thuật môi trường; 405 Thủy sản"));
        assert_eq!(fields.get("keywords").map(String::as_str), Some("nước thải, vi sinh"));
        assert_eq!(fields.get("price_negotiable").map(String::as_str), Some("false"));
        for absent in ["id", "status", "tax_code", "address"] {
            assert!(!fields.contains_key(absent), "{absent}");
        }
    }

    #[test]
    fn changes_name_each_differing_field_with_both_values() {
        let before: Fields = [("legal_name", "Công ty A"), ("tax_code", "0101234567"), ("website", "a.vn")]
            .map(|(k, v)| (k.into(), v.into()))
            .into();
        let after: Fields = [("legal_name", "Công ty A"), ("tax_code", "0101234568"), ("address", "Bắc Ninh")]
            .map(|(k, v)| (k.into(), v.into()))
            .into();
        assert_eq!(
            changes(&before, &after),
            vec![
                FieldChange { field: "address".into(), before: None, after: Some("Bắc Ninh".into()) },
                FieldChange {
                    field: "tax_code".into(),
                    before: Some("0101234567".into()),
                    after: Some("0101234568".into())
                },
                FieldChange { field: "website".into(), before: Some("a.vn".into()), after: None },
            ]
        );
        assert!(changes(&after, &after).is_empty());
    }

    #[test]
    fn without_an_earlier_decision_nothing_is_compared() {
        let current: Fields = [("legal_name".to_owned(), "B".to_owned())].into();
        let view = ChangesView::between(None, &current, 3);
        assert_eq!((view.reviewed_version, view.changes.len(), view.current_version), (None, 0, 3));
    }
}
