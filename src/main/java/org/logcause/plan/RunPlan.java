package org.logcause.plan;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import org.logcause.job.Detection;
import org.logcause.job.JobSpecLoader.LoadedJob;
import org.logcause.job.SourcePaths;
import org.logcause.job.SpecException;

/**
 * What a run will do, decided before Spark starts from the job spec and the command line, and checked there: its
 * mode (a forensic run over everything, a window or everything up to a cutoff; or one night), its id and output
 * folder, the window size it asks for, where its baseline comes from, the detection settings, and the plausible
 * range of event times around its reference span. {@code --dry-run} prints it and stops; {@code --verbose} prints it
 * before running. The stages read their settings from it; nothing in them computes a plan.
 *
 * @param runId the run's id (deterministic: the spec hash, and the window or the date)
 * @param out the output folder
 * @param mode forensic or nightly, with its window
 * @param windowSeconds the signal window asked for (a span too long for {@code detection.max_windows} gets a wider one)
 * @param baseline where each series' baseline comes from
 * @param detection detector, baseline and grouping settings
 */
public record RunPlan(String runId, String out, Mode mode, int windowSeconds, Baseline baseline, Detection detection,
    int keepRuns) {

  /** A run's mode: the compiler checks that every stage handles each. */
  public sealed interface Mode permits Forensic, Nightly {
    /** {@code forensic}, {@code eval} or {@code nightly}: the word in manifests and in the output folder's pointer. */
    String name();

    /** Whether postmortem drafts and charts are written. */
    boolean drafts();

    /**
     * Whether every table is written and its lines reconciled with the files read. An eval run writes only the
     * tables it is scored on (anomalies, incidents, hypotheses) and its manifest: a scenario's events, quarantine,
     * signals and summary were written and read back by nobody, and were most of its write.
     */
    default boolean allTables() {
      return !name().equals("eval");
    }
  }

  /**
   * A post-incident run: over all the data ({@code from} and {@code to} null), over a window {@code [from, to)} with
   * the data before it as baseline ({@code lookbackMicros} of it, read and not written), or up to a cutoff
   * ({@code from} null: everything before {@code to}, as a responder saw the logs at that moment). Times in
   * microseconds.
   */
  public record Forensic(String name, Long from, Long to, long lookbackMicros, boolean drafts) implements Mode {
    public boolean windowed() {
      return from != null;
    }
  }

  /** A nightly run: one UTC day, written as that date's partition of every table. */
  public record Nightly(LocalDate date) implements Mode {
    @Override
    public String name() {
      return "nightly";
    }

    @Override
    public boolean drafts() {
      return false;
    }

    public long fromMicros() {
      return date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    }

    public long toMicros() {
      return fromMicros() + 86_400_000_000L;
    }
  }

  /** Where each series' baseline comes from. */
  public sealed interface Baseline permits StartOfData, BeforeWindow, History, EarlierNights {}

  /** The first {@code firstSeconds} of the data, or its first {@code fraction}, whichever is shorter. */
  public record StartOfData(long firstSeconds, double fraction) implements Baseline {}

  /** The data before a forensic window. */
  public record BeforeWindow(long lookbackMicros) implements Baseline {}

  /** The {@code signals} of an earlier run ({@code --baseline-history}), same hours of day. */
  public record History(String dir) implements Baseline {}

  /** The {@code signals} of up to {@code nights} earlier nights in the output folder, their incidents left out. */
  public record EarlierNights(int nights) implements Baseline {}

  /** A forensic (or eval) run over all of a job's data. */
  public static RunPlan forensic(LoadedJob job, String out) {
    return forensic(job, out, null, null, null, "forensic");
  }

  /**
   * A forensic run as the command line asks for it.
   *
   * @param out the output folder, or null for the spec's {@code output}/forensic/{run id}
   * @param from start of the window (microseconds), or null
   * @param to end of the window, or null; with a null {@code from}, a cutoff
   * @param history {@code --baseline-history}, or null
   * @param name {@code forensic} or {@code eval}
   */
  public static RunPlan forensic(LoadedJob job, String out, Long from, Long to, String history, String name) {
    if (from != null && (to == null || to <= from)) {
      throw new SpecException(to == null ? "--from needs --to" : "--to must be after --from (" + Instant.ofEpochSecond(from / 1_000_000L)
          + " .. " + Instant.ofEpochSecond(to / 1_000_000L) + ")");
    }
    Detection d = job.spec().detection();
    String runId = name + "-" + job.specHash().substring(0, 12);
    long lookback = 0;
    if (from != null) {
      runId += "-" + compact(from) + "-" + compact(to);
      lookback = Math.max(d.baseline().windowLookbackMinMicros(), Math.min(d.baseline().windowLookbackMaxMicros(), to - from));
    } else if (to != null) {
      runId += "-upto-" + compact(to);
    }
    String folder = out != null ? out : job.resolve(job.spec().output()) + "/forensic/" + runId;
    Baseline baseline = history != null ? new History(history)
        : from != null ? new BeforeWindow(lookback)
        : new StartOfData(d.baseline().forensicFirstSeconds(), d.baseline().forensicFraction());
    RunPlan plan = new RunPlan(runId, folder, new Forensic(name, from, to, lookback, name.equals("forensic")),
        job.spec().windows().forensicSeconds(), baseline, d, job.spec().keepRuns());
    SourcePaths.checkOutput(job, folder);
    return plan;
  }

  /** A nightly run of one UTC day. */
  public static RunPlan nightly(LoadedJob job, String out, LocalDate date) {
    String folder = out != null ? out : job.resolve(job.spec().output());
    RunPlan plan = new RunPlan("nightly-" + date + "-" + job.specHash().substring(0, 8), folder, new Nightly(date),
        job.spec().windows().nightlySeconds(), new EarlierNights(job.spec().detection().baseline().historyNights()),
        job.spec().detection(), job.spec().keepRuns());
    SourcePaths.checkOutput(job, folder);
    return plan;
  }

  /**
   * The window a run analyses for a data span: the one asked for, or the smallest wider standard window that keeps
   * the run within {@code detection.max_windows} (series are dense arrays in memory).
   */
  public int windowFor(long spanMicros) {
    long max = detection.maxWindows();
    long spanSeconds = spanMicros / 1_000_000L + 1;
    if (spanSeconds / windowSeconds < max) {
      return windowSeconds;
    }
    for (int candidate : new int[] {60, 300, 900, 3600, 21_600, 86_400, 604_800}) {
      if (candidate > windowSeconds && spanSeconds / candidate < max) {
        return candidate;
      }
    }
    return (int) Math.max(604_800, spanSeconds / max + 1);
  }

  /**
   * The first window after the baseline, for a run whose data spans windows {@code [first, last]} of {@code w}
   * microseconds: the window's start for a forensic window, otherwise the start of the data plus its baseline span.
   */
  public long baselineEndWindow(long first, long last, long w) {
    if (mode instanceof Forensic f && f.windowed() && Math.floorDiv(f.from(), w) > first) {
      return Math.floorDiv(f.from(), w);
    }
    // The start of the data: a forensic run's baseline, and the fallback of a history that has no windows yet.
    long firstSeconds = baseline instanceof StartOfData s ? s.firstSeconds() : detection.baseline().forensicFirstSeconds();
    double fraction = baseline instanceof StartOfData s ? s.fraction() : detection.baseline().forensicFraction();
    return first + Math.max(1, Math.min(firstSeconds / (w / 1_000_000L), (long) ((last - first + 1) * fraction)));
  }

  /** The plan, as {@code --dry-run} and {@code --verbose} print it. */
  public void print(PrintWriter out) {
    out.printf("plan: run %s into %s%n", runId, this.out);
    if (mode instanceof Forensic f && f.from() != null) {
      out.printf("  mode: %s over the window %s .. %s, %s of data before it read as baseline%n", f.name(),
          Instant.ofEpochSecond(f.from() / 1_000_000L), Instant.ofEpochSecond(f.to() / 1_000_000L), hours(f.lookbackMicros()));
    } else if (mode instanceof Forensic f && f.to() != null) {
      out.printf("  mode: %s over the logs up to %s%n", f.name(), Instant.ofEpochSecond(f.to() / 1_000_000L));
    } else if (mode instanceof Forensic f) {
      out.printf("  mode: %s over all the data%s%n", f.name(), f.drafts() ? ", postmortem drafts written" : "");
    } else if (mode instanceof Nightly n) {
      out.printf("  mode: nightly, the UTC day %s, written as its date partition of every table%n", n.date());
    }
    out.printf("  windows: %d s (wider when the data spans more than %,d of them)%n", windowSeconds, detection.maxWindows());
    if (baseline instanceof StartOfData s) {
      out.printf(Locale.ROOT, "  baseline: the first %d min of the data, or its first %.0f%%, whichever is shorter%n",
          s.firstSeconds() / 60, s.fraction() * 100);
    } else if (baseline instanceof BeforeWindow w) {
      out.printf("  baseline: the %s before the window%n", hours(w.lookbackMicros()));
    } else if (baseline instanceof History h) {
      out.printf("  baseline: the signals of %s, same hours of day%n", h.dir());
    } else if (baseline instanceof EarlierNights e) {
      out.printf("  baseline: the signals of up to %d earlier nights in the output folder, their incidents left out%n", e.nights());
    }
    var a = detection.anomaly();
    out.printf(Locale.ROOT, "  anomalies: score >= %.1f, count excess >= %.1f, gaps <= %d windows, >= %d windows, coarse pass over %d windows%n",
        a.minScore(), a.minExcess(), a.maxGapWindows(), a.minWindows(), a.coarseWindows());
    var g = detection.grouping();
    out.printf("  incidents: opened by %d+ windows of errors, latency or slow queries; merged within %s; anomalies up to %s before join%n",
        g.minOpeningWindows(), g.mergeGap(), g.lookback());
    var i = detection.impact();
    if (i.required()) {
      out.printf(Locale.ROOT, "  user impact: where an access log is read, an incident needs %s of bad windows within %s on one of its"
          + " components (>= %.0f%% failed and %.1fx the baseline's share, or p95 >= %.1fx the baseline's and +%.0f ms, or <= %.0f%%"
          + " of its requests); below that, a degradation%n", i.badFor(), i.within(), 100 * i.failureShare(), i.failureFactor(),
          i.latencyFactor(), i.latencyMarginMs(), 100 * i.trafficLoss());
    } else {
      out.println("  user impact: not required (detection.impact.required: false)");
    }
    out.printf("  snapshots kept: %d%n", keepRuns);
    out.flush();
  }

  private static String hours(long micros) {
    long minutes = micros / 60_000_000L;
    return minutes % 60 == 0 ? minutes / 60 + " h" : minutes + " min";
  }

  private static String compact(long micros) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)));
  }
}
