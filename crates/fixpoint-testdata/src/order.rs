//! The creation order: a topological sort of the persisted models by their
//! foreign keys. A cycle is broken at a nullable key (that row is created
//! with the key empty); a cycle with no nullable key is reported.

use crate::model::{BrokenEdge, ModelGraph};

/// Fills `graph.order`, `graph.broken_cycles` and `graph.cycles`.
pub fn resolve(graph: &mut ModelGraph) {
    let persisted: Vec<&crate::model::Model> = graph.models.iter().filter(|m| m.framework.is_persisted()).collect();
    let names: Vec<&str> = persisted.iter().map(|m| m.name.as_str()).collect();
    // (model, field, target, nullable), for keys between two different persisted models.
    let mut edges: Vec<(usize, String, usize, bool)> = Vec::new();
    for (index, model) in persisted.iter().enumerate() {
        for field in &model.fields {
            let Some(target) = field.foreign_key.as_ref().and_then(|fk| fk.model.as_deref()) else {
                continue;
            };
            if let Some(target) = names.iter().position(|n| *n == target)
                && target != index
            {
                edges.push((index, field.name.clone(), target, field.nullable));
            }
        }
    }
    let mut placed = vec![false; persisted.len()];
    let mut order = Vec::new();
    let mut broken = Vec::new();
    let mut cycles = Vec::new();
    while order.len() < persisted.len() {
        let ready = (0..persisted.len())
            .find(|&i| !placed[i] && edges.iter().all(|(from, _, to, _)| *from != i || placed[*to]));
        if let Some(i) = ready {
            placed[i] = true;
            order.push(names[i].to_owned());
            continue;
        }
        // Every remaining model waits on another: break at a nullable key.
        let nullable = edges
            .iter()
            .position(|(from, _, to, nullable)| *nullable && !placed[*from] && !placed[*to]);
        if let Some(at) = nullable {
            let (from, field, to, _) = edges.remove(at);
            broken.push(BrokenEdge {
                model: names[from].to_owned(),
                field,
                target: names[to].to_owned(),
            });
        } else {
            let remaining: Vec<String> = (0..persisted.len())
                .filter(|&i| !placed[i])
                .map(|i| names[i].to_owned())
                .collect();
            cycles.push(remaining.clone());
            placed.fill(true);
            order.extend(remaining);
        }
    }
    graph.order = order;
    graph.broken_cycles = broken;
    graph.cycles = cycles;
}
