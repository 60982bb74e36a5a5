//! Instants in API output. They are stored as naive UTC; written without an offset a client
//! would have to guess the zone, so every one goes out in RFC 3339 with `Z`, to the
//! microsecond (what PostgreSQL keeps, so both backends answer alike).

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// `2026-11-30T12:10:11.054560Z`.
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// For `#[serde(serialize_with = "crate::http::time::utc")]` on a `NaiveDateTime` field.
pub fn utc<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339(*at))
}

/// The same for an `Option<NaiveDateTime>` field; `None` stays `null`.
pub fn utc_option<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// Reads back what [`utc_option`] wrote (any RFC 3339 offset), for
/// `#[serde(deserialize_with = "crate::http::time::from_utc_option")]`.
pub fn from_utc_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDateTime>, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .map(|text| DateTime::parse_from_rfc3339(&text).map(|at| at.naive_utc()).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate};
    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    struct Stamped {
        #[serde(serialize_with = "utc")]
        at: NaiveDateTime,
        #[serde(serialize_with = "utc_option")]
        maybe: Option<NaiveDateTime>,
    }

    fn instant(nanos: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_nano_opt(12, 10, 11, nanos).unwrap()
    }

    #[test]
    fn writes_utc_with_an_offset_to_the_microsecond() {
        assert_eq!(rfc3339(instant(54_560_036)), "2026-11-30T12:10:11.054560Z");
        assert_eq!(rfc3339(instant(0)), "2026-11-30T12:10:11.000000Z");
        let parsed = DateTime::parse_from_rfc3339(&rfc3339(instant(54_560_036))).unwrap();
        assert_eq!(parsed.naive_utc(), instant(54_560_000));
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Read {
        #[serde(default, deserialize_with = "from_utc_option")]
        maybe: Option<NaiveDateTime>,
    }

    #[test]
    fn reads_back_what_it_writes() {
        let json = serde_json::to_string(&Stamped { at: instant(0), maybe: Some(instant(54_560_000)) }).unwrap();
        let read: Read = serde_json::from_str(&json).unwrap();
        assert_eq!(read, Read { maybe: Some(instant(54_560_000)) });
        let none: Read = serde_json::from_str(r#"{"maybe":null}"#).unwrap();
        assert_eq!(none, Read { maybe: None });
        assert!(serde_json::from_str::<Read>(r#"{"maybe":"yesterday"}"#).is_err());
    }

    #[test]
    fn serializes_fields_and_keeps_null() {
        let json = serde_json::to_value(Stamped { at: instant(0), maybe: None }).unwrap();
        assert_eq!(json, serde_json::json!({ "at": "2026-11-30T12:10:11.000000Z", "maybe": null }));
        let json = serde_json::to_value(Stamped { at: instant(0), maybe: Some(instant(1_000)) }).unwrap();
        assert_eq!(json["maybe"], "2026-11-30T12:10:11.000001Z");
    }
}
