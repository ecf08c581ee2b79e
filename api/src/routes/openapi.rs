//! `GET /openapi.json`: an OpenAPI 3 document built from the route table.
//!
//! Built by hand rather than with a derive framework: the table already knows every
//! method, path, tag and summary, and deriving schemas for every domain type would
//! cost compile time for little gain. Each operation gets its path parameters, the
//! bearer security requirement where a token is needed, a JSON body for writes and
//! the one error shape for 4xx/5xx answers.

use std::sync::OnceLock;

use axum::Json;
use serde_json::{json, Map, Value};

use super::{docs, Method, RouteDoc};

/// The parameter names of a path: `/a/{id}/b/{user_id}` → `id`, `user_id`.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn operation(doc: &RouteDoc) -> Value {
    let params: Vec<Value> = path_params(doc.path)
        .into_iter()
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    let error = json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut op = json!({
        "operationId": format!("{}{}", doc.method.as_str(), doc.path.replace(['/', '{', '}', '-', '.'], "_")),
        "tags": [doc.tag],
        "summary": doc.summary,
        "parameters": params,
        "responses": {
            "200": {"description": "success", "content": {"application/json": {"schema": {}}}},
            "4XX": error.clone(),
            "5XX": error,
        },
    });
    if doc.auth {
        op["security"] = json!([{"bearer": []}]);
    } else {
        op["security"] = json!([]);
    }
    if matches!(doc.method, Method::Post | Method::Put) {
        op["requestBody"] = json!({
            "required": false,
            "content": {"application/json": {"schema": {}}},
        });
    }
    op
}

/// The whole document.
pub fn build() -> Value {
    let mut paths = Map::new();
    for doc in docs() {
        let item = paths
            .entry(doc.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        item[doc.method.as_str()] = operation(&doc);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Qabilet API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Public-sector recruitment: vacancies, profiles, competitions with ranked shortlists, the talent reserve, the audit log and the HRM event feed.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API key or a session token from POST /sessions."}
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "path": {"type": "string", "description": "The field to blame, when one is."}
                        }
                    }}
                }
            }
        }
    })
}

/// `GET /openapi.json`: public, like the routes it describes.
pub(crate) async fn document() -> Json<Value> {
    static DOC: OnceLock<Value> = OnceLock::new();
    Json(DOC.get_or_init(build).clone())
}
