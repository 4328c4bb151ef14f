package org.logcause.ingest.format;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.logcause.job.SourceSpec;

/** Feeds lines to a parser the way the ingestor does and collects what came out. */
final class ParserFixture {
  /** An event as it closes, and the lines the parser rejected. */
  record Result(List<ParsedEvent> events, List<String> rejections, int continuations) {
    ParsedEvent only() {
      if (events.size() != 1) {
        throw new AssertionError("expected one event, got " + events.size() + ": " + rejections);
      }
      return events.get(0);
    }

    Instant ts(int i) {
      long micros = events.get(i).tsMicros();
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
  }

  static LineParser parser(String format, Map<String, String> options, String zone) {
    SourceSpec s = new SourceSpec("s", "c", "h", format, "x", zone, null, options);
    return Formats.create(s).newParser(2024);
  }

  static Result run(String format, Map<String, String> options, String zone, String text) {
    return run(parser(format, options, zone), text);
  }

  static Result run(LineParser p, String text) {
    List<ParsedEvent> events = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    int continuations = 0;
    for (String line : text.split("\n", -1)) {
      Parsed r = p.parse(line);
      if (r instanceof Parsed.Start s) {
        events.add(s.event());
      } else if (r instanceof Parsed.Rejected q) {
        rejected.add(q.reason());
      } else {
        continuations++;
      }
    }
    return new Result(events, rejected, continuations);
  }

  static ZoneId utc() {
    return ZoneId.of("UTC");
  }

  private ParserFixture() {}
}
