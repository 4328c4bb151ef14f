package org.logcause.report;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Renders the HTML pages (incident reports, nightly digests) from their jte templates ({@code src/main/jte}, compiled
 * into Java at build time). Every value a template prints is HTML-escaped for where it lands (text, attribute): log
 * text is untrusted. Each page is one self-contained file: its style and script inline, the script allowed by its
 * hash in the page's content security policy, which forbids every request (no network, not even to the file's folder).
 */
public final class HtmlPages {
  /** Package of the templates' generated classes (pom.xml, jte-maven-plugin). */
  static final String TEMPLATES = "org.logcause.report.templates";
  private static final TemplateEngine ENGINE =
      TemplateEngine.createPrecompiled(null, ContentType.Html, HtmlPages.class.getClassLoader(), TEMPLATES);
  private static final IncidentReport.Page PAGE = page();

  private HtmlPages() {}

  /** The fixed parts every page carries. */
  public static IncidentReport.Page page() {
    if (PAGE != null) {
      return PAGE;
    }
    String script = resource("/report/report.js");
    return new IncidentReport.Page(resource("/report/report.css"), script, "sha256-" + sha256(script));
  }

  public static String incident(IncidentReport report) {
    return render("incident.jte", report);
  }

  public static String digest(FindingsDigest digest) {
    return render("digest.jte", digest);
  }

  private static String render(String template, Object model) {
    StringOutput out = new StringOutput(64 * 1024);
    ENGINE.render(template, model, out);
    return out.toString();
  }

  private static String resource(String name) {
    try (InputStream in = HtmlPages.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
