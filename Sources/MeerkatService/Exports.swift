// The facade's vocabulary: sessions, messages, events, inputs and the runtime's reports are the types every
// surface speaks, so importing MeerkatService brings them. The implementation modules (providers, SQLite, tools)
// are not re-exported: a surface that needs one of their capabilities asks the service for it.
@_exported public import MeerkatCore
@_exported public import MeerkatRuntime
