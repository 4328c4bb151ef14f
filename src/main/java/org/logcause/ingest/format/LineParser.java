package org.logcause.ingest.format;

/**
 * Turns the lines of one file, in order, into events. One instance per file: a parser may keep state between
 * lines (the open event, a CSV record whose quoted field spans lines, the year of a year-less timestamp).
 */
public abstract class LineParser {
  private ParsedEvent current;
  private int maxEventChars = 64 * 1024;

  /** Parses one line (without its line terminator). */
  public abstract Parsed parse(String line);

  /** The event that continuation lines fold into, or null before the first event of the file. */
  protected final ParsedEvent current() {
    return current;
  }

  protected final Parsed start(ParsedEvent event) {
    event.capAt(maxEventChars);
    current = event;
    return new Parsed.Start(event);
  }

  /** Folds a line into the open event's message; a continuation before any event is rejected. */
  protected final Parsed continueMessage(String line) {
    if (current == null) {
      return orphan();
    }
    current.appendLine(line);
    return Parsed.CONTINUATION;
  }

  /**
   * A line that does not start an entry of a log whose entries continue on unprefixed lines (a server's error log): a
   * blank line or any other line continues the open entry (an indented one without its indent), and before the first
   * entry it is rejected ({@code expected} says what a start looks like).
   */
  protected final Parsed continuesEntry(String line, String expected) {
    if (isBlank(line)) {
      return current == null ? reject("blank line before the first entry") : Parsed.CONTINUATION;
    }
    return current == null ? reject(expected) : continueMessage(startsIndented(line) ? line.strip() : line);
  }

  /** Folds a line into an attribute of the open event (e.g. PostgreSQL's DETAIL or STATEMENT). */
  protected final Parsed continueAttribute(String key, String value) {
    if (current == null) {
      return orphan();
    }
    current.appendTo(key, value);
    return Parsed.CONTINUATION;
  }

  /** Why lines still waiting ({@link Parsed.Pending}) at the end of the file make no event. */
  public String waitingAtEnd() {
    return "its record has no final part (the file ends first)";
  }

  protected static Parsed reject(String reason) {
    return new Parsed.Rejected(reason);
  }

  private static Parsed orphan() {
    return reject("continuation line before the first event of the file");
  }

  /**
   * Whether a file of this format may be read in byte ranges, each by its own parser: true when
   * {@link #startsEvent} is implemented.
   */
  public boolean splittable() {
    return false;
  }

  /**
   * Whether this line certainly starts an event, whatever came before it: parsing it and the lines after it with a
   * fresh parser gives exactly what parsing the whole file gives. A range of a split file begins at its first such
   * line; the lines before it belong to the range before. Only for {@link #splittable()} formats.
   */
  public boolean startsEvent(String line) {
    return false;
  }

  /**
   * Whether the line parses to a new event, without changing this parser's state: the {@link #startsEvent} of a
   * format whose only state between lines is the open event.
   */
  protected final boolean parsesToEvent(String line) {
    ParsedEvent open = current;
    try {
      return parse(line) instanceof Parsed.Start;
    } finally {
      current = open;
    }
  }

  public LineParser maxEventChars(int chars) {
    this.maxEventChars = chars;
    return this;
  }

  static boolean isBlank(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (!Character.isWhitespace(line.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean startsIndented(String line) {
    return !line.isEmpty() && (line.charAt(0) == '\t' || line.charAt(0) == ' ');
  }
}
