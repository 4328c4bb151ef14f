package org.logcause.ingest.format;

/** What one line turned out to be: the start of an event, a continuation of the open one, or rejected. */
public sealed interface Parsed {
  /** The line starts a new event; the previous open event is complete. */
  record Start(ParsedEvent event) implements Parsed {}

  /** The line was folded into the open event by the parser. */
  record Continuation() implements Parsed {}

  /** The line cannot be parsed; it goes to quarantine with this reason. */
  record Rejected(String reason) implements Parsed {}

  Continuation CONTINUATION = new Continuation();
}
