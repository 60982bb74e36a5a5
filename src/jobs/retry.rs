use chrono::Duration;

/// Delay before attempt `attempts + 1`: doubles from `base` after each failure, capped at `max`.
pub fn backoff_delay(attempts: i32, base_secs: i64, max_secs: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).max(0)).unwrap_or(0).min(30);
    let delay = base_secs.saturating_mul(1_i64 << exponent);
    Duration::seconds(delay.min(max_secs).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_delay(1, 5, 3600), Duration::seconds(5));
        assert_eq!(backoff_delay(2, 5, 3600), Duration::seconds(10));
        assert_eq!(backoff_delay(3, 5, 3600), Duration::seconds(20));
        assert_eq!(backoff_delay(10, 5, 3600), Duration::seconds(2560));
        assert_eq!(backoff_delay(11, 5, 3600), Duration::seconds(3600));
        assert_eq!(backoff_delay(1000, 5, 3600), Duration::seconds(3600));
        assert_eq!(backoff_delay(0, 5, 3600), Duration::seconds(5));
        assert_eq!(backoff_delay(-3, 5, 3600), Duration::seconds(5));
    }
}
