//! The `object-attribute-missing` category: object has no such attribute. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "object-attribute-missing",
    title: "Object has no such attribute",
    explanation: "Code uses an attribute or method that the object does not have: a missing method, a renamed field, or an object of another type than expected (often `None`).",
    fix: Remedy::Repair {
        manual: "add the attribute or method, or find why the object is of another type",
    },
    matches,
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    failure.exception_is("AttributeError") && failure.says("has no attribute")
}
