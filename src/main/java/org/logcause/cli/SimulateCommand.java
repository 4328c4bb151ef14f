package org.logcause.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.logcause.job.SpecException;
import org.logcause.simulate.Family;
import org.logcause.simulate.Flavour;
import org.logcause.simulate.Labels;
import org.logcause.simulate.Simulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logcause simulate}: writes a labelled outage scenario (logs, job spec, labels.json). */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {"Write a labelled outage scenario: logs in real formats, a job spec and labels.json.",
        "Scenarios: replication-misconfig, traffic-surge, bad-deploy, replica-lag, disk-full, pool-exhaustion,",
        "network-partition, lock-contention, no-incident."})
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--scenario", required = true, paramLabel = "NAME", description = "scenario family")
  String scenario;

  @Option(names = "--seed", required = true, paramLabel = "N", description = "random seed: same seed, same files")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write into")
  Path out;

  @Option(names = "--scale", defaultValue = "1", paramLabel = "X", description = "request-rate multiplier (default 1)")
  double scale;

  @Option(names = "--start", paramLabel = "TS", description = "first second, ISO-8601 UTC (default: drawn from the seed)")
  String start;

  @Option(names = "--flavour", paramLabel = "DB", description = "postgres or mysql (default: drawn from the seed)")
  String flavour;

  @Option(names = "--statement-log", description = "PostgreSQL: the primary also logs every statement with its duration "
      + "(log_min_duration_statement = 0), as a busy database fed to pgBadger does")
  boolean statementLog;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Family family;
    Flavour db = null;
    Instant first = null;
    try {
      family = Family.of(scenario);
      if (flavour != null) {
        db = Flavour.valueOf(flavour.toUpperCase(java.util.Locale.ROOT));
      }
      if (start != null) {
        first = Instant.parse(start);
      }
      if (scale <= 0) {
        throw new IllegalArgumentException("--scale must be above 0, cannot be: " + scale);
      }
    } catch (DateTimeParseException e) {
      throw new SpecException("--start: not an ISO-8601 UTC time: \"" + start + "\" (e.g. 2024-06-20T13:00:00Z)");
    } catch (IllegalArgumentException e) {
      throw new SpecException(e.getMessage().startsWith("No enum")
          ? "--flavour: \"" + flavour + "\" is not postgres or mysql" : "--scenario/--scale: " + e.getMessage());
    }
    Labels labels = Simulator.write(new Simulator.Settings(family, seed, scale, first, db, statementLog), out);
    var console = spec.commandLine().getOut();
    console.printf("wrote %s scenario %s (%s) to %s: logs/, changes/, job.yaml, labels.json%n", family.id(),
        labels.scenario(), labels.flavour(), out);
    if (labels.rootCause() != null) {
      console.printf("root cause: %s on %s at %s%n", labels.rootCause().category(), labels.rootCause().component(),
          labels.rootCause().onset());
    }
    console.flush();
    return 0;
  }
}
