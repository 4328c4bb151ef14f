package org.logcause.browser;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logcause.cli.Main;
import org.logcause.output.OutputFolder;
import org.logcause.output.Tables;
import org.logcause.support.SharedSpark;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The sample's forensic report and a three-night backfill's digests, opened in headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}; {@code mvn test -Pbrowser}) with JavaScript on: what a reader sees,
 * clicks and expands, no console error, no request leaving the file. Screenshots go to {@code target/screenshots/}.
 */
@Tag("browser")
class ReportsInABrowserTest {
  @TempDir static Path dir;
  static Path forensic;
  static Path nightly;
  static ChromeDriver browser;
  static final Path SHOTS = Path.of("target", "screenshots");

  @BeforeAll
  static void runTheSampleAndOpenABrowser() throws Exception {
    SharedSpark.get();
    forensic = dir.resolve("forensic");
    nightly = dir.resolve("nightly");
    StringWriter err = new StringWriter();
    assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "forensic", "--job", "jobs/redcrow.yaml", "--out", forensic.toString())).as(err.toString()).isZero();
    assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "nightly", "--job",
        "jobs/redcrow.yaml", "--from-date", "2024-06-19", "--to-date", "2024-06-21", "--out", nightly.toString()))
        .as(err.toString()).isZero();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getProperty("logcause.chromium", "/usr/bin/chromium"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--window-size=1366,900", "--force-device-scale-factor=1");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(System.getProperty("logcause.chromedriver", "/usr/bin/chromedriver")).toFile())
        .build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void closeTheBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  static Path current(Path out) throws Exception {
    return out.resolve("current").toRealPath();
  }

  /** Opens a page, with its logs read and dropped before. */
  static void open(Path file) {
    browser.manage().logs().get(LogType.BROWSER);
    browser.manage().logs().get(LogType.PERFORMANCE);
    browser.get(file.toUri().toString());
  }

  /** No console error, and every request the page made was for the file itself. */
  static void assertSelfContained(Path file) {
    List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(console.stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage))
        .as("console errors and warnings").isEmpty();
    List<String> requests = browser.manage().logs().get(LogType.PERFORMANCE).getAll().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("\"Network.requestWillBeSent\""))
        .map(m -> m.replaceAll("(?s).*\"request\":\\{.*?\"url\":\"([^\"]*)\".*", "$1")).toList();
    assertThat(requests).as("requests").isNotEmpty().allMatch(u -> u.equals(file.toUri().toString()) || u.startsWith("data:"));
  }

  /** A PNG, and a JPEG small enough for the README (docs/report.jpg is a copy of the incident report's). */
  static void screenshot(String name, int height) throws Exception {
    browser.manage().window().setSize(new Dimension(1280, height));
    Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    Map<String, Object> jpeg = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "jpeg", "quality", 60));
    Files.write(SHOTS.resolve(name + ".jpg"), Base64.getDecoder().decode((String) jpeg.get("data")));
    browser.manage().window().setSize(new Dimension(1366, 900));
  }

  @Test
  void theIncidentReportShowsItsRootCauseLeadsAndEvidence() throws Exception {
    List<Row> hypotheses = OutputFolder.table(SharedSpark.get(), forensic.toString(), Tables.HYPOTHESES)
        .orderBy("rank").collectAsList();
    Row rc = hypotheses.stream().filter(h -> h.getAs("verdict").equals("ROOT_CAUSE")).findFirst().orElseThrow();
    List<Row> misleading = hypotheses.stream().filter(h -> h.getAs("verdict").equals("MISLEADING")).toList();
    String incident = rc.getAs("incident_id");
    Path page = current(forensic).resolve("postmortems").resolve(incident + ".html");
    open(page);

    WebElement summary = browser.findElement(By.id("summary"));
    assertThat(summary.findElement(By.cssSelector(".verdict")).getText()).isEqualTo("ROOT_CAUSE");
    assertThat(summary.getText()).contains((String) rc.getAs("component")).contains((String) rc.getAs("cause"));
    String leads = browser.findElement(By.id("misleading")).getText();
    assertThat(misleading).isNotEmpty();
    for (Row m : misleading) {
      assertThat(leads).contains((String) m.getAs("lead"));
    }
    assertThat(summary.findElement(By.tagName("svg")).isDisplayed()).as("the chart, inline").isTrue();

    // Evidence is collapsed; a click opens it and shows the cited lines.
    WebElement evidence = summary.findElement(By.cssSelector("details.evidence"));
    WebElement firstLine = evidence.findElement(By.cssSelector("table.lines tbody tr"));
    assertThat(evidence.getAttribute("open")).isNull();
    assertThat(firstLine.isDisplayed()).isFalse();
    evidence.findElement(By.tagName("summary")).click();
    assertThat(evidence.getAttribute("open")).isNotNull();
    assertThat(firstLine.isDisplayed()).isTrue();
    assertThat(firstLine.getText()).contains(firstLine.getAttribute("id").substring(firstLine.getAttribute("id").lastIndexOf('-') + 1));
    screenshot("incident-report", 1500);
    evidence.findElement(By.tagName("summary")).click();

    // A timeline entry's evidence link opens the collapsed evidence of a misleading lead and shows the line.
    WebElement leadLink = browser.findElements(By.cssSelector("#timeline tr.tl-misleading_lead a.evidence-link")).stream()
        .filter(a -> a.getAttribute("href").matches(".*#h-\\d+-.+")).findFirst().orElseThrow();
    String target = leadLink.getAttribute("href").substring(leadLink.getAttribute("href").indexOf('#') + 1);
    leadLink.click();
    WebElement line = browser.findElement(By.id(target));
    assertThat(line.isDisplayed()).as("the linked line is shown").isTrue();
    assertThat((Boolean) ((JavascriptExecutor) browser).executeScript(
        "var d = document.getElementById(arguments[0]).closest('details'); return d === null || d.open;", target)).isTrue();

    // The hypotheses table sorts by a click on a heading.
    WebElement rank = browser.findElement(By.cssSelector("#hypothesis-table th[data-sort=number]"));
    rank.click();
    rank.click();
    assertThat(rank.getAttribute("aria-sort")).isEqualTo("descending");
    assertThat(browser.findElement(By.cssSelector("#hypothesis-table tbody tr td")).getText())
        .isEqualTo(String.valueOf(hypotheses.size()));
    assertSelfContained(page);
  }

  @Test
  void theNightlyDigestsListTheNightsFindingsAndSayWhenANightWasQuiet() throws Exception {
    Path findings = current(nightly).resolve(Tables.FINDINGS);
    List<Row> night = OutputFolder.table(SharedSpark.get(), nightly.toString(), Tables.FINDINGS)
        .filter(col("date").equalTo("2024-06-20")).filter(col("severity").notEqual("info")).collectAsList();
    assertThat(night).isNotEmpty();

    Path busy = findings.resolve("2024-06-20.html");
    open(busy);
    List<WebElement> rows = browser.findElements(By.cssSelector("#findings-table tbody tr.finding"));
    assertThat(rows).hasSize(night.size());
    String text = browser.findElement(By.id("findings")).getText();
    for (Row f : night) {
      assertThat(text).contains((String) f.getAs("component"));
    }
    assertThat(rows.get(0).getText()).startsWith("high");
    assertThat(browser.findElement(By.tagName("header")).getText()).contains("compared with 1 earlier night.");
    screenshot("nightly-digest", 1300);
    assertSelfContained(busy);

    Path quiet = findings.resolve("2024-06-19.html");
    open(quiet);
    assertThat(browser.findElement(By.id("quiet")).getText()).contains("A quiet night");
    assertThat(browser.findElements(By.id("findings-table"))).isEmpty();
    assertSelfContained(quiet);
  }
}
