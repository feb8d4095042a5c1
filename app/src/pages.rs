mod about;
mod again;
mod history;
mod not_found;
mod processing;
mod review;
mod upload;

pub use about::AboutPage;
pub use again::RunAgainPage;
pub use history::HistoryPage;
pub use not_found::NotFoundPage;
pub use processing::ProcessingPage;
pub use review::ReviewPage;
pub use upload::{UploadForm, UploadPage};
