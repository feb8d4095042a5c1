mod not_found;
mod processing;
mod upload;

pub use not_found::NotFoundPage;
pub use processing::ProcessingPage;
pub use upload::UploadPage;
