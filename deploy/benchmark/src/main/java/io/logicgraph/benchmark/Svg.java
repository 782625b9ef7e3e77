package io.logicgraph.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Two small SVG charts for the report: a latency CDF and grouped bars. */
final class Svg {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int LEFT = 60;
  private static final int BOTTOM = 40;
  private static final int TOP = 30;
  private static final int RIGHT = 20;

  private Svg() {}

  /** Cumulative distribution of samples (x: value on a log scale, y: fraction ≤ x). */
  static void cdf(Path file, String title, String xLabel, double[] samples) throws IOException {
    double[] sorted = samples.clone();
    java.util.Arrays.sort(sorted);
    StringBuilder svg = header(title);
    double min = Math.max(0.01, sorted.length == 0 ? 0.01 : sorted[0]);
    double max = Math.max(min * 10, sorted.length == 0 ? 1 : sorted[sorted.length - 1]);
    double logMin = Math.log10(min);
    double logMax = Math.log10(max);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    axes(svg, xLabel + " (log scale)", "fraction ≤ x");
    for (int decade = (int) Math.floor(logMin); decade <= Math.ceil(logMax); decade++) {
      double x = LEFT + (decade - logMin) / (logMax - logMin) * plotW;
      if (x >= LEFT && x <= WIDTH - RIGHT) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>"
                    + "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>%n",
                x,
                TOP,
                x,
                HEIGHT - BOTTOM,
                x,
                HEIGHT - BOTTOM + 14,
                label(Math.pow(10, decade))));
      }
    }
    for (double f : new double[] {0.5, 0.99}) {
      double y = TOP + (1 - f) * plotH;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#bbb' stroke-dasharray='4'/>"
                  + "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>p%d</text>%n",
              LEFT,
              y,
              WIDTH - RIGHT,
              y,
              LEFT - 4,
              y + 4,
              Math.round(f * 100)));
    }
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < sorted.length; i++) {
      double v = Math.max(min, sorted[i]);
      double x = LEFT + (Math.log10(v) - logMin) / (logMax - logMin) * plotW;
      double y = TOP + (1 - (i + 1.0) / sorted.length) * plotH;
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    svg.append("<polyline fill='none' stroke='#1f77b4' stroke-width='2' points='")
        .append(points)
        .append("'/>\n</svg>\n");
    Files.writeString(file, svg, StandardCharsets.UTF_8);
  }

  /** Bars of measured values beside their targets, one group per label. */
  static void bars(
      Path file,
      String title,
      String yLabel,
      List<String> labels,
      double[] measured,
      double[] target)
      throws IOException {
    StringBuilder svg = header(title);
    axes(svg, "", yLabel);
    double max = 1;
    for (int i = 0; i < labels.size(); i++) {
      max = Math.max(max, Math.max(measured[i], target[i]));
    }
    max *= 1.1;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    double group = (double) plotW / labels.size();
    for (int i = 0; i < labels.size(); i++) {
      double x0 = LEFT + i * group + group * 0.15;
      double barW = group * 0.35;
      bar(svg, x0, barW, measured[i] / max * plotH, "#1f77b4", measured[i]);
      bar(svg, x0 + barW, barW, target[i] / max * plotH, "#ccc", target[i]);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>%s</text>%n",
              x0 + barW,
              HEIGHT - BOTTOM + 16,
              labels.get(i)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x='%d' y='%d' width='10' height='10' fill='#1f77b4'/><text x='%d' y='%d'"
                + " font-size='11'>measured</text><rect x='%d' y='%d' width='10' height='10'"
                + " fill='#ccc'/><text x='%d' y='%d' font-size='11'>target</text>%n",
            WIDTH - 170,
            TOP,
            WIDTH - 155,
            TOP + 9,
            WIDTH - 90,
            TOP,
            WIDTH - 75,
            TOP + 9));
    svg.append("</svg>\n");
    Files.writeString(file, svg, StandardCharsets.UTF_8);
  }

  private static void bar(StringBuilder svg, double x, double w, double h, String color, double v) {
    double y = HEIGHT - BOTTOM - h;
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>"
                + "<text x='%.1f' y='%.1f' font-size='10' text-anchor='middle'>%s</text>%n",
            x,
            y,
            w,
            h,
            color,
            x + w / 2,
            y - 3,
            label(v)));
  }

  private static StringBuilder header(String title) {
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'"
                + " font-family='sans-serif'>%n<rect width='100%%' height='100%%' fill='white'/>%n"
                + "<text x='%d' y='18' font-size='14'>%s</text>%n",
            WIDTH,
            HEIGHT,
            LEFT,
            escape(title)));
    return svg;
  }

  private static void axes(StringBuilder svg, String xLabel, String yLabel) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>"
                + "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n"
                + "<text x='%d' y='%d' font-size='12' text-anchor='middle'>%s</text>%n"
                + "<text x='14' y='%d' font-size='12' text-anchor='middle'"
                + " transform='rotate(-90 14 %d)'>%s</text>%n",
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            LEFT,
            TOP,
            LEFT,
            HEIGHT - BOTTOM,
            (LEFT + WIDTH - RIGHT) / 2,
            HEIGHT - 6,
            escape(xLabel),
            (TOP + HEIGHT - BOTTOM) / 2,
            (TOP + HEIGHT - BOTTOM) / 2,
            escape(yLabel)));
  }

  private static String label(double v) {
    return v >= 100 || v == Math.rint(v)
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.2g", v);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
