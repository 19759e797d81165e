//! `prisma/schema.prisma`: its models and enums, read line by line.

use std::collections::BTreeMap;

use crate::model::{Cardinality, EnumDef, EnumValue, Field, ForeignKey, Framework, Kind, Model, Relationship};

use super::python::py_str;

/// The models of a Prisma schema.
pub fn discover(path: &str, schema: &str) -> Vec<Model> {
    let mut enums: BTreeMap<String, EnumDef> = BTreeMap::new();
    let mut blocks: Vec<(String, usize, Vec<&str>)> = Vec::new();
    let mut current: Option<(String, String, usize, Vec<&str>)> = None;
    for (number, raw) in schema.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or_default().trim();
        if let Some((kind, name, start, mut body)) = current.take() {
            if line.starts_with('}') {
                if kind == "enum" {
                    let values = body
                        .iter()
                        .filter_map(|l| l.split_whitespace().next())
                        .filter(|v| !v.starts_with('@'))
                        .map(|v| EnumValue {
                            name: v.to_owned(),
                            value: py_str(v),
                        })
                        .collect();
                    enums.insert(
                        name.clone(),
                        EnumDef {
                            class: Some(name),
                            module: None,
                            values,
                        },
                    );
                } else {
                    blocks.push((name, start, body));
                }
            } else {
                if !line.is_empty() {
                    body.push(line);
                }
                current = Some((kind, name, start, body));
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [kind @ ("model" | "enum"), name, "{"] = words.as_slice() {
            current = Some(((*kind).to_owned(), (*name).to_owned(), number + 1, Vec::new()));
        }
    }
    let model_names: Vec<String> = blocks.iter().map(|(n, _, _)| n.clone()).collect();
    blocks
        .into_iter()
        .map(|(name, line, body)| model(path, &name, line, &body, &enums, &model_names))
        .collect()
}

fn model(
    path: &str,
    name: &str,
    line: usize,
    body: &[&str],
    enums: &BTreeMap<String, EnumDef>,
    models: &[String],
) -> Model {
    let mut model = Model {
        name: name.to_owned(),
        framework: Framework::Prisma,
        module: path.to_owned(),
        path: path.to_owned(),
        line,
        table: Some(name.to_owned()),
        fields: Vec::new(),
        relationships: Vec::new(),
        unique_together: Vec::new(),
        checks: Vec::new(),
    };
    let mut relation_fields: Vec<(String, String)> = Vec::new();
    for line in body {
        if let Some(rest) = line.strip_prefix("@@") {
            if let Some(args) = rest.strip_prefix("unique(").or_else(|| rest.strip_prefix("id(")) {
                model.unique_together.push(bracketed(args));
            } else if let Some(args) = rest.strip_prefix("map(") {
                model.table = args.split('"').nth(1).map(str::to_owned);
            }
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(field_name), Some(type_word)) = (words.next(), words.next()) else {
            continue;
        };
        let attributes: Vec<&str> = words.collect();
        let attributes = attributes.join(" ");
        let list = type_word.ends_with("[]");
        let optional = type_word.ends_with('?');
        let base = type_word.trim_end_matches("[]").trim_end_matches('?');
        if models.iter().any(|m| m == base) {
            let cardinality = if list {
                Cardinality::OneToMany
            } else if attributes.contains("fields:") {
                Cardinality::ManyToOne
            } else {
                Cardinality::OneToOne
            };
            if let Some(start) = attributes.find("fields:") {
                let fields = bracketed(&attributes[start..]);
                let references = attributes
                    .find("references:")
                    .map(|at| bracketed(&attributes[at..]))
                    .unwrap_or_default();
                if let Some(first) = fields.first() {
                    relation_fields.push((first.clone(), base.to_owned()));
                    let column = references.first().cloned().unwrap_or_else(|| "id".to_owned());
                    relation_fields.push((format!("{first}\u{0}{column}"), base.to_owned()));
                }
                model.relationships.push(Relationship {
                    name: field_name.to_owned(),
                    target: base.to_owned(),
                    cardinality,
                    back_populates: None,
                    through_field: fields.first().cloned(),
                });
            } else {
                model.relationships.push(Relationship {
                    name: field_name.to_owned(),
                    target: base.to_owned(),
                    cardinality,
                    back_populates: None,
                    through_field: None,
                });
            }
            continue;
        }
        let kind = match base {
            "Int" => Kind::Integer,
            "BigInt" => Kind::BigInteger,
            "Float" => Kind::Float,
            "Decimal" => Kind::Decimal,
            "String" => Kind::String,
            "Boolean" => Kind::Boolean,
            "DateTime" => Kind::DateTime,
            "Json" => Kind::Json,
            "Bytes" => Kind::Binary,
            other if enums.contains_key(other) => Kind::Enum,
            _ => Kind::Unknown,
        };
        let mut field = Field::new(field_name, if list { Kind::List } else { kind }, type_word);
        field.nullable = optional;
        field.choices = enums.get(base).cloned();
        field.primary_key = attributes.contains("@id");
        field.unique = attributes.contains("@unique");
        if let Some(at) = attributes.find("@default(") {
            let rest = &attributes[at + "@default(".len()..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            let default = &rest[..end];
            field.generated =
                default.starts_with("autoincrement") || default.starts_with("uuid") || default.starts_with("cuid");
            field.default = Some(default.to_owned());
        }
        if attributes.contains("@updatedAt") {
            field.generated = true;
        }
        if let Some(at) = attributes.find("@db.VarChar(") {
            field.max_length = attributes[at + "@db.VarChar(".len()..]
                .split(')')
                .next()
                .and_then(|n| n.trim().parse().ok());
        }
        if let Some(at) = attributes.find("@db.Decimal(") {
            let args: Vec<u32> = attributes[at + "@db.Decimal(".len()..]
                .split(')')
                .next()
                .unwrap_or_default()
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect();
            field.precision = args.first().copied();
            field.scale = args.get(1).copied();
        }
        model.fields.push(field);
    }
    for (key, target) in relation_fields {
        if key.contains('\u{0}') {
            continue;
        }
        if let Some(field) = model.fields.iter_mut().find(|f| f.name == key) {
            field.foreign_key = Some(ForeignKey {
                table: target.clone(),
                column: "id".to_owned(),
                model: Some(target),
                on_delete: None,
            });
        }
    }
    model
}

/// The names inside the first `[...]`.
fn bracketed(text: &str) -> Vec<String> {
    let Some(open) = text.find('[') else { return Vec::new() };
    let close = text[open..].find(']').map_or(text.len(), |c| open + c);
    text[open + 1..close]
        .split(',')
        .map(|s| s.trim().split('(').next().unwrap_or_default().trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_models_enums_and_relations() {
        let schema = "enum Role {\n  USER\n  ADMIN\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique @db.VarChar(120)\n  role  Role   @default(USER)\n  posts Post[]\n}\n\nmodel Post {\n  id       Int   @id @default(autoincrement())\n  author   User  @relation(fields: [authorId], references: [id])\n  authorId Int\n  price    Decimal @db.Decimal(8, 2)\n}\n";
        let models = discover("prisma/schema.prisma", schema);
        assert_eq!(models.len(), 2);
        let user = &models[0];
        assert!(user.field("id").unwrap().generated);
        assert_eq!(user.field("email").unwrap().max_length, Some(120));
        assert_eq!(user.field("role").unwrap().choices.as_ref().unwrap().values.len(), 2);
        assert_eq!(user.relationships[0].cardinality, Cardinality::OneToMany);
        let post = &models[1];
        assert_eq!(post.relationships[0].cardinality, Cardinality::ManyToOne);
        assert_eq!(
            post.field("authorId")
                .unwrap()
                .foreign_key
                .as_ref()
                .unwrap()
                .model
                .as_deref(),
            Some("User")
        );
        assert_eq!(
            (
                post.field("price").unwrap().precision,
                post.field("price").unwrap().scale
            ),
            (Some(8), Some(2))
        );
    }
}
