package org.logcause.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.logcause.job.JobSpecLoader;
import org.logcause.job.SpecException;
import org.logcause.onboard.DraftSpec;
import org.logcause.onboard.FormatSniffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code logcause init --logs DIR}: drafts a commented job spec for a folder of logs. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Draft a job spec for a folder of logs: each file's format (and PostgreSQL's log_line_prefix, JSON fields, a",
      "change feed's fields) recognised from its first lines, components and a topology guessed from the files'",
      "roles, files it cannot place listed with the reason. No Spark: it reads a sample of each file."
    })
final class InitCommand implements Callable<Integer> {
  @Option(names = "--logs", required = true, paramLabel = "DIR", description = "the folder of logs (searched recursively)")
  Path logs;

  @Option(names = "--out", paramLabel = "FILE", description = "where to write the spec (default: DIR/job.yaml)")
  Path out;

  @Option(names = "--force", description = "overwrite --out if it exists")
  boolean force;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(logs)) {
      throw new SpecException("--logs: not a folder: " + logs);
    }
    Path target = out != null ? out : logs.resolve("job.yaml");
    if (Files.exists(target) && !force) {
      throw new SpecException(target + " exists (use --force to overwrite it, or --out to write elsewhere)");
    }
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    DraftSpec.Draft draft = DraftSpec.draft(logs, target);
    PrintWriter o = spec.commandLine().getOut();
    if (draft.sources().isEmpty()) {
      draft.unplaced().forEach((f, why) -> o.println("  not placed: " + f + ": " + why));
      throw new SpecException("init: no file under " + logs + " is in a format logcause reads (see the list above)");
    }
    Path tmp = Files.createTempFile(parent, ".job-", ".yaml");
    try {
      Files.writeString(tmp, draft.yaml());
      JobSpecLoader.load(tmp); // the draft must be a valid spec; if not, that is a bug of init, not the user's
      Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    for (DraftSpec.Source s : draft.sources()) {
      o.printf(Locale.ROOT, "  %-22s %-12s %-18s %s%n", s.name(), s.component(), s.format(), s.path());
    }
    draft.unplaced().forEach((f, why) -> o.println("  not placed: " + f + ": " + why));
    o.printf(Locale.ROOT, "wrote %s: %d sources, %d files not placed. Check it, then: bin/logcause forensic --job %s%n",
        target, draft.sources().size(), draft.unplaced().size(), target);
    o.printf(Locale.ROOT, "(a format is taken only when its parser would quarantine at most %.0f%% of a file's sampled lines)%n",
        FormatSniffer.MAX_REJECTED * 100);
    return 0;
  }
}
