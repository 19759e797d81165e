//! Values for one field: the factory declaration (a Faker provider chosen by
//! the field's name and type, within its length, precision and bounds) and
//! the boundary values of the edge scenario.

use crate::discover::python::py_str;
use crate::model::{Field, Framework, Kind};

/// The integer range a column's type holds.
fn type_range(kind: Kind) -> (i64, i64) {
    match kind {
        Kind::SmallInteger => (-32_768, 32_767),
        Kind::BigInteger => (i64::MIN, i64::MAX),
        _ => (-2_147_483_648, 2_147_483_647),
    }
}

fn fmt_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// The largest magnitude a `Numeric(precision, scale)` holds, as text (`9999.99`).
fn decimal_limit(precision: u32, scale: u32) -> String {
    let whole = precision.saturating_sub(scale);
    let mut out = if whole == 0 {
        "0".to_owned()
    } else {
        "9".repeat(whole as usize)
    };
    if scale > 0 {
        out.push('.');
        out.push_str(&"9".repeat(scale as usize));
    }
    out
}

/// The Faker method a text field's name calls for.
fn text_provider(name: &str, kind: Kind) -> &'static str {
    let name = name.to_ascii_lowercase();
    let has = |words: &[&str]| {
        words
            .iter()
            .any(|w| name == *w || name.ends_with(&format!("_{w}")) || name.starts_with(&format!("{w}_")))
    };
    if kind == Kind::Email || has(&["email", "mail"]) {
        "email"
    } else if kind == Kind::Url || has(&["url", "website", "homepage", "link", "uri"]) {
        "url"
    } else if has(&["first_name", "firstname", "given_name"]) {
        "first_name"
    } else if has(&["last_name", "lastname", "surname", "family_name"]) {
        "last_name"
    } else if has(&["username", "login", "handle", "nickname"]) {
        "user_name"
    } else if has(&["phone", "mobile", "telephone", "fax", "phone_number"]) {
        "phone_number"
    } else if has(&["address", "street"]) {
        "street_address"
    } else if has(&["city", "town"]) {
        "city"
    } else if has(&["country"]) {
        "country"
    } else if has(&["zip", "zipcode", "postcode", "postal_code"]) {
        "postcode"
    } else if has(&["company", "organization", "organisation", "employer"]) {
        "company"
    } else if has(&["slug"]) {
        "slug"
    } else if has(&["color", "colour"]) {
        "color_name"
    } else if has(&["ip", "ip_address"]) {
        "ipv4"
    } else if has(&["currency"]) {
        "currency_code"
    } else if has(&["title", "headline", "subject"]) {
        "sentence"
    } else if kind == Kind::Text
        || has(&[
            "description",
            "bio",
            "notes",
            "note",
            "body",
            "content",
            "summary",
            "text",
            "comment",
            "message",
        ])
    {
        "paragraph"
    } else if name == "name"
        || name.ends_with("_name")
        || name.ends_with("name")
        || has(&["author", "owner", "player", "master"])
    {
        "name"
    } else {
        "word"
    }
}

/// The factory_boy declaration for a plain field (no key, no nested model),
/// or `None` when no value can be made for its type.
pub fn declaration(field: &Field, framework: Framework) -> Option<String> {
    let limit = field.max_length.map_or_else(|| "None".to_owned(), |l| l.to_string());
    // The project's own realistic values (a `values` decision), as written:
    // one the column cannot hold is a finding of the seed, not trimmed away.
    // A unique field takes each once, then numbered ones.
    if let Some(values) = field.decided.as_ref().map(|d| &d.values).filter(|v| !v.is_empty()) {
        let list = format!("[{}]", values.iter().map(|v| py_str(v)).collect::<Vec<_>>().join(", "));
        if field.unique {
            let n = values.len();
            let min = field.min_length.unwrap_or(0);
            return Some(format!(
                "factory.Sequence(lambda n: {list}[n] if n < {n} else _unique(n, {list}[n % {n}], {limit}, {min}))"
            ));
        }
        return Some(format!("factory.Iterator({list})"));
    }
    if let Some(choices) = &field.choices {
        return Some(match &choices.class {
            // A decision kept only some members (a state machine's states).
            Some(class)
                if field.decided.is_some() && framework != Framework::Django && framework != Framework::Prisma =>
            {
                let members: Vec<String> = choices.values.iter().map(|v| format!("{class}.{}", v.name)).collect();
                format!("factory.Iterator([{}])", members.join(", "))
            }
            Some(class) if framework != Framework::Django && framework != Framework::Prisma => {
                format!("factory.Iterator(list({class}))")
            }
            _ => {
                let values: Vec<&str> = choices.values.iter().map(|v| v.value.as_str()).collect();
                if values.is_empty() {
                    return None;
                }
                format!("factory.Iterator([{}])", values.join(", "))
            }
        });
    }
    let value = match field.kind {
        Kind::String | Kind::Text | Kind::Email | Kind::Url => {
            let provider = text_provider(&field.name, field.kind);
            let min = field.min_length.unwrap_or(0);
            if field.unique {
                return Some(match provider {
                    "email" => format!("factory.Sequence(lambda n: _fit(f\"user{{n}}@example.com\", {limit}))"),
                    "url" => format!("factory.Sequence(lambda n: _fit(f\"https://example.com/{{n}}\", {limit}))"),
                    _ => format!("factory.Sequence(lambda n: _unique(n, fake.{provider}(), {limit}, {min}))"),
                });
            }
            format!("factory.LazyFunction(lambda: _fit(fake.{provider}(), {limit}, {min}))")
        }
        Kind::Integer | Kind::BigInteger | Kind::SmallInteger => {
            let (type_min, type_max) = type_range(field.kind);
            let lo = field.min.map_or(
                if field.max.is_some_and(|m| m < 0.0) {
                    type_min
                } else {
                    0
                },
                |m| m as i64,
            );
            let hi = field
                .max
                .map_or_else(|| lo.saturating_add(1000).min(type_max), |m| m as i64);
            if field.unique {
                return Some(format!("factory.Sequence(lambda n: {lo} + n)"));
            }
            let lo = lo.min(hi);
            format!("factory.Faker(\"random_int\", min={lo}, max={hi})")
        }
        Kind::Float => {
            let lo = field.min.unwrap_or(0.0);
            let hi = field.max.unwrap_or(lo + 1000.0);
            format!(
                "factory.Faker(\"pyfloat\", min_value={}, max_value={})",
                fmt_number(lo),
                fmt_number(hi)
            )
        }
        Kind::Decimal => {
            let scale = field.scale.unwrap_or(2);
            let whole_max = field
                .precision
                .map_or(10_000.0, |p| 10f64.powi(p.saturating_sub(scale) as i32) - 1.0);
            let lo = field.min.unwrap_or(0.0);
            let hi = field.max.unwrap_or(whole_max).min(whole_max.max(lo));
            format!(
                "factory.LazyFunction(lambda: _money({}, {}, {scale}))",
                fmt_number(lo),
                fmt_number(hi)
            )
        }
        Kind::Boolean => "factory.Faker(\"pybool\")".to_owned(),
        Kind::Date => "factory.Faker(\"date_object\")".to_owned(),
        Kind::DateTime => {
            if field.type_text.contains("timezone=True")
                || field.type_text.contains("Aware")
                || framework == Framework::Django
            {
                "factory.LazyFunction(lambda: fake.date_time(tzinfo=datetime.timezone.utc))".to_owned()
            } else {
                "factory.Faker(\"date_time\")".to_owned()
            }
        }
        Kind::Time => "factory.Faker(\"time_object\")".to_owned(),
        Kind::Interval => {
            "factory.LazyFunction(lambda: datetime.timedelta(minutes=fake.random_int(0, 600)))".to_owned()
        }
        Kind::Uuid => "factory.LazyFunction(uuid.uuid4)".to_owned(),
        Kind::Json => "factory.LazyFunction(lambda: {\"key\": fake.word()})".to_owned(),
        Kind::Binary => "factory.LazyFunction(lambda: fake.binary(length=16))".to_owned(),
        Kind::List => "factory.LazyFunction(list)".to_owned(),
        Kind::Enum | Kind::Model | Kind::ModelList | Kind::Unknown => return None,
    };
    Some(value)
}

/// One edge row: (label, field assignments as Python source).
pub type EdgeRow = (String, Vec<(String, String)>);

/// The boundary values of a field, by edge row: `max`, `min`, `zero`.
pub fn boundaries(field: &Field, row_index: usize, framework: Framework) -> [Option<String>; 3] {
    let aware = field.type_text.contains("timezone=True")
        || field.type_text.contains("Aware")
        || framework == Framework::Django;
    match field.kind {
        Kind::String | Kind::Email | Kind::Url | Kind::Text => {
            let max = match (field.kind, field.max_length) {
                (Kind::Email, limit) => {
                    let limit = limit.unwrap_or(254) as usize;
                    let local = limit.saturating_sub(12).clamp(1, 64);
                    Some(format!("{} + '@example.com'", pad(row_index, local)))
                }
                (Kind::Url, limit) => {
                    let limit = limit.unwrap_or(200) as usize;
                    Some(format!(
                        "'https://example.com/' + {}",
                        pad(row_index, limit.saturating_sub(20).max(1))
                    ))
                }
                (_, Some(limit)) => Some(pad(row_index, limit as usize)),
                (Kind::Text, None) => Some(pad(row_index, 10_000)),
                _ => None,
            };
            let min = match field.kind {
                Kind::Email | Kind::Url => None,
                _ => {
                    let length = field.min_length.unwrap_or(0) as usize;
                    if field.unique && length == 0 {
                        Some("''".to_owned())
                    } else {
                        Some(py_str(&"x".repeat(length)))
                    }
                }
            };
            [max, min, None]
        }
        Kind::Integer | Kind::BigInteger | Kind::SmallInteger => {
            let (type_min, type_max) = type_range(field.kind);
            let hi = field.max.map_or(type_max, |m| m as i64);
            let lo = field.min.map_or(type_min, |m| m as i64);
            let zero = (lo <= 0 && hi >= 0).then(|| "0".to_owned());
            [Some(hi.to_string()), Some(lo.to_string()), zero]
        }
        Kind::Float => {
            let hi = field.max.unwrap_or(1e9);
            let lo = field.min.unwrap_or(-1e9);
            let zero = (lo <= 0.0 && hi >= 0.0).then(|| "0.0".to_owned());
            [Some(format!("{hi:?}")), Some(format!("{lo:?}")), zero]
        }
        Kind::Decimal => {
            let scale = field.scale.unwrap_or(2);
            let limit = field.precision.map(|p| decimal_limit(p, scale));
            let hi = match (field.max, &limit) {
                (Some(max), _) => format!("Decimal({})", py_str(&fmt_number(max))),
                (None, Some(limit)) => format!("Decimal({})", py_str(limit)),
                (None, None) => "Decimal('999999.99')".to_owned(),
            };
            let lo = match (field.min, &limit) {
                (Some(min), _) => format!("Decimal({})", py_str(&fmt_number(min))),
                (None, Some(limit)) => format!("Decimal({})", py_str(&format!("-{limit}"))),
                (None, None) => "Decimal('-999999.99')".to_owned(),
            };
            let zero = (field.min.is_none_or(|m| m <= 0.0) && field.max.is_none_or(|m| m >= 0.0))
                .then(|| "Decimal('0')".to_owned());
            [Some(hi), Some(lo), zero]
        }
        Kind::Boolean => [Some("True".to_owned()), Some("False".to_owned()), None],
        Kind::Date => [
            Some("datetime.date(9999, 12, 31)".to_owned()),
            Some("datetime.date(1, 1, 1)".to_owned()),
            None,
        ],
        Kind::DateTime => {
            let tz = if aware { ", tzinfo=datetime.timezone.utc" } else { "" };
            [
                Some(format!("datetime.datetime(9999, 12, 31, 23, 59, 59{tz})")),
                Some(format!("datetime.datetime(1, 1, 2, 0, 0{tz})")),
                None,
            ]
        }
        Kind::Time => [
            Some("datetime.time(23, 59, 59)".to_owned()),
            Some("datetime.time(0, 0)".to_owned()),
            None,
        ],
        _ => [None, None, None],
    }
}

/// `width` characters that start with the row's number, so rows differ: a
/// call of the seed script's `_pad`.
fn pad(row: usize, width: usize) -> String {
    format!("_pad({row}, {width})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_follow_names_and_types() {
        assert_eq!(text_provider("email", Kind::String), "email");
        assert_eq!(text_provider("contact_email", Kind::String), "email");
        assert_eq!(text_provider("player_name", Kind::String), "name");
        assert_eq!(text_provider("website", Kind::String), "url");
        assert_eq!(text_provider("bio", Kind::String), "paragraph");
        assert_eq!(text_provider("sku", Kind::String), "word");
    }

    #[test]
    fn decimal_limits_follow_precision_and_scale() {
        assert_eq!(decimal_limit(6, 2), "9999.99");
        assert_eq!(decimal_limit(2, 2), "0.99");
        assert_eq!(decimal_limit(5, 0), "99999");
    }
}
