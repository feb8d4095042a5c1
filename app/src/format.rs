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

pub fn pct(p: f64) -> String {
    format!("{:.0}%", p.clamp(0.0, 100.0))
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
    }
}
