package org.logcause.ingest.format;

/** What one line turned out to be: the start of an event, a continuation of the open one, or rejected. */
public sealed interface Parsed {
  /**
   * The line starts a new event; the previous open event is complete. {@code dropWaiting}, when set, says why the
   * {@link Pending} lines before this one make no event (they go to quarantine with that reason).
   */
  record Start(ParsedEvent event, String dropWaiting) implements Parsed {
    public Start(ParsedEvent event) {
      this(event, null);
    }
  }

  /** The line was folded into the open event by the parser. */
  record Continuation() implements Parsed {}

  /**
   * The line is the first part of a record the next lines complete (a container runtime's partial line): it belongs
   * to the event the record starts, or, if the record only continues the open event, to that one. If the record is
   * rejected or never completed, the line goes to quarantine with it. {@code dropWaiting}: as for {@link Start}.
   */
  record Pending(String dropWaiting) implements Parsed {}

  /** The line cannot be parsed; it goes to quarantine with this reason. */
  record Rejected(String reason) implements Parsed {}

  Continuation CONTINUATION = new Continuation();

  Pending PENDING = new Pending(null);
}
