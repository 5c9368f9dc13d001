// Filled by later issues; see docs/architecture.md.
