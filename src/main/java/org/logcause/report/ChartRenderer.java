package org.logcause.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.TimeZone;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** Draws an {@link IncidentChart.Data} with JFreeChart: one strip per key signal, markers across all strips. */
public final class ChartRenderer {
  static final Color ROOT = new Color(0xC6, 0x28, 0x28);
  static final Color MISLEADING = new Color(0xEF, 0x6C, 0x00);
  static final Color SYMPTOM = new Color(0x15, 0x65, 0xC0);
  static final Color CHANGE = new Color(0x6A, 0x1B, 0x9A);
  static final Color RESTART = new Color(0x42, 0x42, 0x42);
  static final Color REVERT = new Color(0x2E, 0x7D, 0x32);
  static final Color WINDOW = new Color(0, 0, 0, 18);

  public static final int WIDTH = 1200;
  private static final int STRIP_HEIGHT = 125;
  private static final int FRAME_HEIGHT = 220;
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Font STRIP_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private ChartRenderer() {}

  public static int height(IncidentChart.Data data) {
    return FRAME_HEIGHT + STRIP_HEIGHT * Math.max(1, data.strips().size());
  }

  public static byte[] png(IncidentChart.Data data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(bytes, chart(data), WIDTH, height(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] svg(IncidentChart.Data data) {
    int h = height(data);
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, h);
    g.setDefsKeyPrefix("chart-"); // the same ids run after run (the default is time-based)
    g.setGeomDoubleConverter(ChartRenderer::twoDecimals);
    chart(data).draw(g, new Rectangle(0, 0, WIDTH, h));
    return g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
  }

  /** Coordinates to 1/100 of a pixel: what a screen or a printer resolves, and a third of the default's bytes. */
  private static String twoDecimals(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return java.math.BigDecimal.valueOf(Math.round(v * 100) / 100.0).stripTrailingZeros().toPlainString();
  }

  static JFreeChart chart(IncidentChart.Data data) {
    IncidentChart.Plan plan = data.plan();
    DateAxis time = new DateAxis("time (UTC), " + DAY.format(Instant.ofEpochSecond(plan.from() / 1_000_000L)));
    time.setTimeZone(TimeZone.getTimeZone("UTC"));
    SimpleDateFormat hm = new SimpleDateFormat("HH:mm");
    hm.setTimeZone(TimeZone.getTimeZone("UTC"));
    time.setDateFormatOverride(hm);
    time.setRange(plan.from() / 1000.0, plan.to() / 1000.0);
    time.setLabelFont(LABEL);
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
    combined.setGap(8);

    if (!plan.markers().isEmpty()) {
      combined.add(lane(plan), 2);
    }
    for (IncidentChart.Strip strip : data.strips()) {
      combined.add(strip(plan, strip), 5);
    }
    if (data.strips().isEmpty()) {
      XYPlot empty = new XYPlot(new XYSeriesCollection(), null, new NumberAxis(), new XYLineAndShapeRenderer(true, false));
      empty.addAnnotation(new XYTitleAnnotation(0.5, 0.5, new TextTitle("no anomalous signal to show", STRIP_TITLE), RectangleAnchor.CENTER));
      markers(plan, empty);
      combined.add(empty, 5);
    }
    combined.setFixedLegendItems(legend(plan));

    JFreeChart chart = new JFreeChart(plan.title(), new Font(Font.SANS_SERIF, Font.BOLD, 16), combined, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(new TextTitle(plan.subtitle(), new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
    LegendTitle legend = new LegendTitle(combined);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(LABEL);
    legend.setFrame(BlockBorder.NONE);
    chart.addSubtitle(legend);
    chart.setPadding(new RectangleInsets(8, 8, 8, 16));
    return chart;
  }

  /** Rows of labels in the change lane; a label goes to the first row where it does not overlap the previous one. */
  static final int LANE_ROWS = 3;

  /**
   * The lane above the strips: one labelled line per change, restart or revert, labels staggered over
   * {@link #LANE_ROWS} rows so that close events stay readable.
   */
  private static XYPlot lane(IncidentChart.Plan plan) {
    NumberAxis rows = new NumberAxis();
    rows.setRange(0, LANE_ROWS);
    rows.setVisible(false);
    XYPlot p = new XYPlot(new XYSeriesCollection(), null, rows, new XYLineAndShapeRenderer(true, false));
    p.setBackgroundPaint(new Color(0xFA, 0xFA, 0xFA));
    p.setOutlinePaint(Color.LIGHT_GRAY);
    p.setDomainGridlinesVisible(false);
    p.setRangeGridlinesVisible(false);
    markers(plan, p);
    double span = plan.to() - plan.from();
    double[] rowEnd = new double[LANE_ROWS];
    java.util.Arrays.fill(rowEnd, Double.NEGATIVE_INFINITY);
    for (IncidentChart.Marker m : plan.markers()) {
      double x = m.ts();
      // About 7 px per character on a ~1100 px wide plot.
      double width = (m.label().length() * 7 + 10) / 1100.0 * span;
      int row = 0;
      for (int r = 0; r < LANE_ROWS; r++) {
        if (rowEnd[r] < x) {
          row = r;
          break;
        }
        if (rowEnd[r] < rowEnd[row]) row = r;
      }
      rowEnd[row] = x + width;
      org.jfree.chart.annotations.XYTextAnnotation label =
          new org.jfree.chart.annotations.XYTextAnnotation(" " + m.label(), x / 1000.0, LANE_ROWS - row - 0.5);
      label.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
      label.setPaint(markerColour(m));
      label.setTextAnchor(TextAnchor.HALF_ASCENT_LEFT);
      p.addAnnotation(label);
    }
    return p;
  }

  private static XYPlot strip(IncidentChart.Plan plan, IncidentChart.Strip strip) {
    IncidentChart.Key k = strip.key();
    XYSeries series = new XYSeries(k.component() + " " + k.signal(), true, false);
    for (IncidentChart.Point p : strip.points()) {
      series.add(p.ts() / 1000.0, p.value());
    }
    NumberAxis values = new NumberAxis(strip.unit());
    values.setUpperMargin(0.3); // room for the strip's title above the data
    values.setLabelFont(LABEL);
    values.setTickLabelFont(LABEL);
    values.setAutoRangeIncludesZero(true);
    Color colour = colour(k.role());
    XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
    line.setDrawSeriesLineAsPath(true); // one path per series, not one element per segment (SVG size)
    line.setSeriesPaint(0, colour);
    line.setSeriesStroke(0, new BasicStroke(k.role().equals("root_cause") ? 2.4f : 1.6f));
    XYPlot p = new XYPlot(new XYSeriesCollection(series), null, values, line);
    p.setBackgroundPaint(k.role().equals("root_cause") ? new Color(0xFF, 0xF3, 0xF3) : Color.WHITE);
    p.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    p.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    p.setOutlinePaint(k.role().equals("root_cause") ? ROOT : Color.GRAY);

    TextTitle title = new TextTitle(k.component() + " · " + IncidentChart.signalName(k.signal()) + "  —  " + k.label()
        + ", onset " + HMS.format(Instant.ofEpochSecond(k.onset() / 1_000_000L)), STRIP_TITLE);
    title.setPaint(colour);
    title.setBackgroundPaint(new Color(255, 255, 255, 210));
    p.addAnnotation(new XYTitleAnnotation(0.005, 0.98, title, RectangleAnchor.TOP_LEFT));

    markers(plan, p);
    ValueMarker onset = new ValueMarker(k.onset() / 1000.0, colour,
        new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {4, 3}, 0));
    p.addDomainMarker(onset, Layer.FOREGROUND);
    return p;
  }

  /** The incident window and a line per change, restart and revert (labelled once, in the lane). */
  private static void markers(IncidentChart.Plan plan, XYPlot p) {
    IntervalMarker window = new IntervalMarker(plan.incidentStart() / 1000.0, plan.incidentEnd() / 1000.0, WINDOW);
    p.addDomainMarker(window, Layer.BACKGROUND);
    for (IncidentChart.Marker m : plan.markers()) {
      BasicStroke stroke = m.rootCause() ? new BasicStroke(2.5f)
          : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0);
      p.addDomainMarker(new ValueMarker(m.ts() / 1000.0, markerColour(m), stroke), Layer.FOREGROUND);
    }
  }

  static Color markerColour(IncidentChart.Marker m) {
    if (m.rootCause()) return ROOT;
    return switch (m.kind()) {
      case "restart" -> RESTART;
      case "revert" -> REVERT;
      default -> CHANGE;
    };
  }

  private static LegendItemCollection legend(IncidentChart.Plan plan) {
    LegendItemCollection items = new LegendItemCollection();
    items.add(line("root cause", ROOT, new BasicStroke(2.4f)));
    if (plan.keys().stream().anyMatch(k -> k.role().equals("misleading"))) items.add(line("misleading lead", MISLEADING, new BasicStroke(1.6f)));
    if (plan.keys().stream().anyMatch(k -> k.role().equals("symptom"))) items.add(line("symptom", SYMPTOM, new BasicStroke(1.6f)));
    BasicStroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0);
    items.add(line("onset (dashed, strip colour)", Color.GRAY, new BasicStroke(1.4f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 1, new float[] {4, 3}, 0)));
    if (plan.markers().stream().anyMatch(m -> m.kind().equals("change") && !m.rootCause())) items.add(line("change", CHANGE, dashed));
    if (plan.markers().stream().anyMatch(m -> m.kind().equals("restart"))) items.add(line("restart", RESTART, dashed));
    if (plan.markers().stream().anyMatch(m -> m.kind().equals("revert"))) items.add(line("revert", REVERT, dashed));
    LegendItem window = new LegendItem("incident window", null, null, null, new Rectangle2D.Double(-6, -6, 12, 12), new Color(0, 0, 0, 40));
    window.setLabelFont(LABEL);
    items.add(window);
    return items;
  }

  private static LegendItem line(String label, Color colour, BasicStroke stroke) {
    LegendItem item = new LegendItem(label, null, null, null, false, new Rectangle2D.Double(), false, colour, false,
        colour, stroke, true, new Line2D.Double(-10, 0, 10, 0), stroke, colour);
    item.setLabelFont(LABEL);
    return item;
  }

  static Color colour(String role) {
    return switch (role) {
      case "root_cause" -> ROOT;
      case "misleading" -> MISLEADING;
      default -> SYMPTOM;
    };
  }
}
