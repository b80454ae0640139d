//! Wording of every problem, in English and Modern Standard Arabic.
//!
//! Each function builds one [`Problem`] for one broken rule. Messages name
//! the field, quote the bad value and give the fix, because the reader is an
//! operator of a sending system who sees only the message.

use serde_json::Value;

use crate::problem::Problem;

/// Maximum length of a bad value quoted in a message, in characters.
const QUOTE_MAX_CHARS: usize = 60;

/// Quotes `text` as a JSON string, shortened to [`QUOTE_MAX_CHARS`] with a
/// trailing "…". JSON escaping keeps Arabic letters and diacritics readable,
/// where Rust's `{:?}` would escape the diacritics.
pub(crate) fn quote(text: &str) -> String {
    let mut excerpt: String = text.chars().take(QUOTE_MAX_CHARS).collect();
    if excerpt.len() < text.len() {
        excerpt.push('…');
    }

    Value::String(excerpt).to_string()
}

/// Describes a JSON value by type and content, in English and Arabic.
fn describe(value: &Value) -> (String, String) {
    match value {
        Value::Null => ("null".to_string(), "القيمة null".to_string()),
        Value::Bool(flag) => (
            format!("the boolean {flag}"),
            format!("القيمة المنطقية {flag}"),
        ),
        Value::Number(number) => (format!("the number {number}"), format!("الرقم {number}")),
        Value::String(text) => (
            format!("the string {}", quote(text)),
            format!("النص {}", quote(text)),
        ),
        Value::Array(_) => ("an array".to_string(), "مصفوفة".to_string()),
        Value::Object(_) => ("an object".to_string(), "كائنًا".to_string()),
    }
}

/// Joins codes as "A, B, C" and "A أو B أو C".
fn join_choices(choices: &[&str]) -> (String, String) {
    (choices.join(", "), choices.join(" أو "))
}

/// A JSON type a field must have, named in both languages.
#[derive(Clone, Copy)]
pub(crate) enum Expected {
    String,
    Number,
    Object,
    Array,
}

impl Expected {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Expected::String => ("a string", "نصًا"),
            Expected::Number => ("a number", "رقمًا"),
            Expected::Object => ("an object", "كائنًا"),
            Expected::Array => ("an array", "مصفوفة"),
        }
    }
}

pub(crate) fn record_not_object(value: &Value) -> Problem {
    let (found_en, found_ar) = describe(value);

    Problem::new(
        "",
        format!(
            "the record must be a JSON object such as {{\"id\": \"SA-0001\", ...}}, not {found_en}"
        ),
        format!("يجب أن يكون السجل كائن JSON مثل {{\"id\": \"SA-0001\", ...}} وليس {found_ar}"),
    )
}

/// Builds the problem for a required field that is absent, `null` or an
/// empty string. `hint` is the fix to suggest.
pub(crate) fn missing(field: &str, hint_en: &str, hint_ar: &str) -> Problem {
    Problem::new(
        field,
        format!("{field} is missing or empty; {hint_en}"),
        format!("الحقل {field} مفقود أو فارغ؛ {hint_ar}"),
    )
}

/// Builds the problem for a field of the wrong JSON type, with an optional fix.
pub(crate) fn wrong_type(
    field: &str,
    expected: Expected,
    found: &Value,
    hint: Option<(&str, &str)>,
) -> Problem {
    let (expected_en, expected_ar) = expected.words();
    let (found_en, found_ar) = describe(found);

    let mut reason = format!("{field} must be {expected_en}, not {found_en}");
    let mut reason_ar = format!("يجب أن يكون الحقل {field} {expected_ar} وليس {found_ar}");
    if let Some((hint_en, hint_ar)) = hint {
        reason.push_str("; ");
        reason.push_str(hint_en);
        reason_ar.push('؛');
        reason_ar.push(' ');
        reason_ar.push_str(hint_ar);
    }

    Problem::new(field, reason, reason_ar)
}

/// Builds the problem for a number sent as a JSON string, e.g. `"employment": "850"`.
pub(crate) fn number_as_string(field: &str, text: &str) -> Problem {
    let quoted = quote(text);

    Problem::new(
        field,
        format!("{field} must be a JSON number, not the string {quoted}; remove the quotes"),
        format!("يجب أن يكون الحقل {field} رقمًا في JSON وليس النص {quoted}؛ احذف علامات الاقتباس"),
    )
}

/// Builds the problem for a code sent as a JSON number, which loses leading zeros.
pub(crate) fn code_as_number(field: &str, number: &Value, example: &str) -> Problem {
    Problem::new(
        field,
        format!(
            "{field} must be a string of digits such as \"{example}\", not the number {number}; put the code in quotes so leading zeros are kept"
        ),
        format!(
            "يجب أن يكون الحقل {field} نصًا من الأرقام مثل \"{example}\" وليس الرقم {number}؛ ضع الرمز بين علامتي اقتباس للحفاظ على الأصفار في بدايته"
        ),
    )
}

/// Builds the problem for a value outside a fixed list. When the value
/// differs from an allowed one only in letter case, the message gives the
/// right spelling.
pub(crate) fn not_one_of(field: &str, found: &str, allowed: &[&str], fix_en: &str) -> Problem {
    let quoted = quote(found);
    let (list_en, list_ar) = join_choices(allowed);

    let mut reason = format!("{field} {quoted} is not one of {list_en}; {fix_en}");
    let mut reason_ar =
        format!("القيمة {quoted} في الحقل {field} غير صالحة؛ استخدم إحدى القيم {list_ar}");
    if let Some(exact) = allowed
        .iter()
        .find(|choice| choice.eq_ignore_ascii_case(found))
    {
        reason.push_str(&format!(" (write \"{exact}\")"));
        reason_ar.push_str(&format!(" (اكتبها \"{exact}\")"));
    }

    Problem::new(field, reason, reason_ar)
}

/// Builds the problem for a country code that is not a GCC state's ISO 3166-1 alpha-2 code.
pub(crate) fn invalid_country(found: &str, allowed: &[&str]) -> Problem {
    let quoted = quote(found);
    let (list_en, list_ar) = join_choices(allowed);

    let mut reason =
        format!("country {quoted} is not one of {list_en}; use the ISO 3166-1 alpha-2 code");
    let mut reason_ar =
        format!("رمز الدولة {quoted} غير صالح؛ استخدم أحد الرموز {list_ar} (ISO 3166-1 alpha-2)");
    if let Some(exact) = allowed
        .iter()
        .find(|choice| choice.eq_ignore_ascii_case(found))
    {
        reason.push_str(&format!(" in capitals, \"{exact}\""));
        reason_ar.push_str(&format!(" بالأحرف الكبيرة، \"{exact}\""));
    }

    Problem::new("country", reason, reason_ar)
}

/// Builds the problem for an id that breaks `^[A-Za-z0-9._:-]{1,128}$`, naming the first bad character or the length.
pub(crate) fn invalid_id(found: &str, max_chars: usize) -> Problem {
    let quoted = quote(found);
    let length = found.chars().count();

    let (detail_en, detail_ar) = if length > max_chars {
        (
            format!("it has {length} characters, more than {max_chars}"),
            format!("طوله {length} حرفًا ويتجاوز الحد الأقصى {max_chars}"),
        )
    } else {
        let bad = found
            .chars()
            .find(|&c| !is_id_char(c))
            .map(|c| Value::String(c.to_string()).to_string())
            .unwrap_or_default();
        (
            format!("the character {bad} is not allowed"),
            format!("الحرف {bad} غير مسموح به"),
        )
    };

    Problem::new(
        "id",
        format!(
            "id {quoted} is invalid because {detail_en}; use 1 to {max_chars} characters from A-Z, a-z, 0-9 and . _ : -"
        ),
        format!(
            "المعرّف id {quoted} غير صالح لأن {detail_ar}؛ استخدم من 1 إلى {max_chars} حرفًا من A-Z وa-z و0-9 والرموز . _ : -"
        ),
    )
}

/// Returns `true` for a character allowed in a record id.
pub(crate) fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')
}

pub(crate) fn invalid_isic(field: &str, found: &str) -> Problem {
    let quoted = quote(found);

    Problem::new(
        field,
        format!(
            "{field} {quoted} is not an ISIC Rev.4 code; use 2 to 4 digits (division, group or class), e.g. \"2011\""
        ),
        format!(
            "القيمة {quoted} في الحقل {field} ليست رمزًا صالحًا في التصنيف ISIC Rev.4؛ استخدم من رقمين إلى أربعة أرقام (قسم أو مجموعة أو فئة)، مثل \"2011\""
        ),
    )
}

pub(crate) fn invalid_hs(field: &str, found: &str) -> Problem {
    let quoted = quote(found);

    Problem::new(
        field,
        format!(
            "{field} {quoted} is not a Harmonized System code; use 4 to 6 digits, e.g. \"310210\", or leave it out"
        ),
        format!(
            "القيمة {quoted} في الحقل {field} ليست رمزًا صالحًا في النظام المنسق (HS)؛ استخدم من أربعة إلى ستة أرقام، مثل \"310210\"، أو احذف الحقل"
        ),
    )
}

/// Builds the problem for a number outside its range. `bounds` completes "it must be …".
pub(crate) fn out_of_range(field: &str, found: &str, bounds_en: &str, bounds_ar: &str) -> Problem {
    Problem::new(
        field,
        format!("{field} {found} is out of range; it must be {bounds_en}"),
        format!("قيمة الحقل {field} ({found}) خارج النطاق المسموح؛ يجب أن تكون {bounds_ar}"),
    )
}

pub(crate) fn not_whole_number(field: &str, found: &str) -> Problem {
    Problem::new(
        field,
        format!("{field} {found} must be a whole number without a fractional part"),
        format!("يجب أن تكون قيمة الحقل {field} عددًا صحيحًا بلا كسور، لا {found}"),
    )
}

pub(crate) fn too_long(field: &str, chars: usize, max_chars: usize) -> Problem {
    Problem::new(
        field,
        format!("{field} has {chars} characters but the maximum is {max_chars}; shorten it"),
        format!("يحتوي الحقل {field} على {chars} حرفًا والحد الأقصى {max_chars}؛ اختصره"),
    )
}

pub(crate) fn too_many_products(count: usize, max: usize) -> Problem {
    Problem::new(
        "products",
        format!("products has {count} items but the maximum is {max}; keep the main products"),
        format!(
            "تحتوي القائمة products على {count} عنصرًا والحد الأقصى {max}؛ اكتفِ بالمنتجات الرئيسية"
        ),
    )
}

pub(crate) fn completion_before_start(completion: i64, start: i64) -> Problem {
    Problem::new(
        "completion_year",
        format!(
            "completion_year {completion} is before start_year {start}; correct one of the two years"
        ),
        format!(
            "سنة الإنجاز completion_year ({completion}) أسبق من سنة البدء start_year ({start})؛ صحّح إحدى السنتين"
        ),
    )
}

pub(crate) fn invalid_timestamp(field: &str, found: &str, parse_error: &str) -> Problem {
    let quoted = quote(found);

    Problem::new(
        field,
        format!(
            "{field} {quoted} is not an RFC 3339 date-time ({parse_error}); write it like \"2025-03-01T00:00:00Z\" or \"2025-03-01T09:30:00+03:00\""
        ),
        format!(
            "القيمة {quoted} في الحقل {field} ليست تاريخًا ووقتًا بصيغة RFC 3339؛ اكتبها بالشكل \"2025-03-01T00:00:00Z\" أو \"2025-03-01T09:30:00+03:00\""
        ),
    )
}

/// Builds the problem for a key the schema does not define. The message
/// offers `suggestion` when there is one, or else lists all allowed keys.
pub(crate) fn unknown_field(
    path: &str,
    key: &str,
    suggestion: Option<&str>,
    allowed: &[&str],
) -> Problem {
    let quoted = quote(key);

    let (reason, reason_ar) = match suggestion {
        Some(close) => (
            format!("unknown field {quoted}; did you mean \"{close}\"?"),
            format!("الحقل {quoted} غير معروف؛ هل تقصد \"{close}\"؟"),
        ),
        None => (
            format!(
                "unknown field {quoted}; the allowed fields here are {}",
                allowed.join(", ")
            ),
            format!(
                "الحقل {quoted} غير معروف؛ الحقول المسموح بها هنا هي {}",
                allowed.join("، ")
            ),
        ),
    };

    Problem::new(path, reason, reason_ar)
}

/// Builds the problem for an id already used earlier in the same input.
pub(crate) fn duplicate_id(id: &str, first_line: usize) -> Problem {
    let quoted = quote(id);

    Problem::new(
        "id",
        format!(
            "id {quoted} was already used by the record on line {first_line}; give each record its own id"
        ),
        format!(
            "المعرّف id {quoted} مستخدم من قبل في السجل على السطر {first_line}؛ اجعل لكل سجل معرّفًا خاصًا به"
        ),
    )
}

pub(crate) fn invalid_json(line: usize, column: usize, parse_error: &str) -> Problem {
    Problem::new(
        "",
        format!(
            "line {line} is not valid JSON at column {column} ({parse_error}); each line must contain one complete JSON object"
        ),
        format!(
            "السطر {line} ليس JSON صالحًا عند العمود {column}؛ يجب أن يحتوي كل سطر على كائن JSON واحد كامل"
        ),
    )
}

/// Builds the problem for bytes that are not UTF-8. `field` is empty for a
/// JSON line and the column name for a CSV cell. `position` is the 1-based
/// byte offset in the line or cell.
pub(crate) fn invalid_utf8(field: &str, line: usize, position: usize) -> Problem {
    let place_en = if field.is_empty() {
        format!("line {line}")
    } else {
        format!("{field} on line {line}")
    };
    let place_ar = if field.is_empty() {
        format!("السطر {line}")
    } else {
        format!("الحقل {field} على السطر {line}")
    };

    Problem::new(
        field,
        format!(
            "{place_en} is not valid UTF-8 (invalid byte at position {position}); save the file as UTF-8"
        ),
        format!(
            "{place_ar} ليس نصًا صالحًا بترميز UTF-8 (بايت غير صالح عند الموضع {position})؛ احفظ الملف بترميز UTF-8"
        ),
    )
}

/// Builds the problem for a cell of a numeric CSV column that is not a finite number.
pub(crate) fn invalid_csv_number(field: &str, cell: &str) -> Problem {
    let quoted = quote(cell);

    Problem::new(
        field,
        format!(
            "{field} {quoted} is not a number; write digits with a dot for decimals and no thousands separators, e.g. 1500000 or 27.01"
        ),
        format!(
            "القيمة {quoted} في الحقل {field} ليست رقمًا؛ اكتب الأرقام اللاتينية مع نقطة للكسور العشرية ودون فواصل للآلاف، مثل 1500000 أو 27.01"
        ),
    )
}

/// Builds the problem for a CSV `products` entry with more than one `|`.
pub(crate) fn invalid_csv_product(field: &str, entry: &str) -> Problem {
    let quoted = quote(entry);

    Problem::new(
        field,
        format!(
            "{field} entry {quoted} has more than one \"|\"; write each product as name or name|hs and separate products with \";\""
        ),
        format!(
            "العنصر {quoted} في الحقل {field} يحتوي على أكثر من علامة \"|\"؛ اكتب كل منتج بالشكل name أو name|hs وافصل بين المنتجات بالعلامة \";\""
        ),
    )
}

/// Builds the problem for a CSV row whose cell count differs from the header's.
pub(crate) fn csv_cell_count(line: usize, cells: usize, columns: usize) -> Problem {
    Problem::new(
        "",
        format!(
            "row on line {line} has {cells} cells but the header has {columns} columns; quote cells that contain commas or line breaks"
        ),
        format!(
            "الصف على السطر {line} يحتوي على {cells} خلية بينما يحتوي صف العناوين على {columns} عمودًا؛ ضع الخلايا التي تحتوي على فواصل أو فواصل أسطر بين علامتي اقتباس"
        ),
    )
}
