//! Small text helpers shared by the views.

/// "1.2 s", "45 s", "2 min".
pub fn eta(secs: f64) -> String {
    if secs < 10.0 {
        format!("{secs:.1} s")
    } else if secs < 90.0 {
        format!("{secs:.0} s")
    } else {
        format!("{} min", (secs / 60.0).round())
    }
}

/// Whole seconds, then minutes and seconds: "7 s", "1 min 05 s".
pub fn elapsed(secs: f64) -> String {
    let whole = secs.max(0.0).floor() as u64;
    if whole < 60 {
        format!("{whole} s")
    } else {
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

pub fn pct(p: f64) -> String {
    format!("{:.0}%", p.clamp(0.0, 100.0))
}

/// UTC date and time, the same on server and client (no hydration drift).
pub fn when(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_eta_and_percent() {
        assert_eq!(eta(1.23), "1.2 s");
        assert_eq!(eta(45.0), "45 s");
        assert_eq!(eta(150.0), "3 min");
        assert_eq!(pct(99.6), "100%");
        assert_eq!(pct(-3.0), "0%");
        assert_eq!(elapsed(7.9), "7 s");
        assert_eq!(elapsed(65.2), "1 min 05 s");
        assert_eq!(elapsed(-2.0), "0 s");
    }

    #[test]
    fn formats_epoch_milliseconds_as_utc() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_795_497_745_067), "2026-11-24 05:22 UTC");
        assert_eq!(when(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
