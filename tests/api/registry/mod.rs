mod directory;
mod isolation;
mod lifecycle;
mod membership;
mod validation;
