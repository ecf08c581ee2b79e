//! Path parameters as the document describes them: every record id has the form
//! `qabilet_domain` gives ids (letters, digits and `- _ . :`, at most 64), flag ids
//! their own. Documentation only: handlers take the raw strings and parse them
//! with the same rules (`qabilet_app::parse_id`), so a bad id is a 400 saying why.

use utoipa::IntoParams;

/// `{id}`: the record's id.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct IdPath {
    /// The record's id.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,64}$")]
    id: String,
}

/// `{id}` of a proctoring flag: `{detector code}-{16 hex}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct FlagPath {
    /// The flag's id.
    #[param(pattern = "^[a-z0-9-]{1,64}$")]
    id: String,
}

/// `{id}/…/{user_id}`: a vacancy and a commission member.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(crate) struct SeatPath {
    /// The vacancy's id.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,64}$")]
    id: String,
    /// The commission member's user id.
    #[param(pattern = "^[A-Za-z0-9._:-]{1,64}$")]
    user_id: String,
}
