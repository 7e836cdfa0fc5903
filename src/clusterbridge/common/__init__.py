"""Small helpers every app may use; they know no domain (nothing here imports an app)."""
