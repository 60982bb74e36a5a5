mod digest;
mod evaluation;
mod flow;
mod interest;
mod notifications;
mod outage;
mod precision;

use serde_json::{Value, json};

use crate::helpers::listings::merge;

/// An offer that fits `wastewater_need` well.
pub fn wastewater_offer(extra: Value) -> Value {
    merge(
        json!({
            "kind": "offer",
            "title_vi": "Công nghệ xử lý nước thải chăn nuôi bằng vi sinh",
            "summary": "Hệ thống xử lý nước thải trang trại heo đạt QCVN 62, giảm mùi, tái sử dụng nước.",
            "keywords": ["nước thải", "chăn nuôi", "vi sinh"],
            "st_fields": ["405"],
            "transfer_modes": ["licence"],
            "trl": 7,
            "price_vnd": 1_000_000_000,
            "ip_status": "patent_pending",
            "confidential_details": "Bản vẽ thiết kế chi tiết gửi sau khi ký NDA",
        }),
        extra,
    )
}
