package dev.fim.cli.report;

/**
 * The HTML report's chart as inline SVG: one bar per {@link Timeline} bucket (approved blue,
 * unapproved red, stacked), an orange mark where events were lost, and grey bands where no fim
 * watch ran. Hover titles give the numbers; no script. Stateless.
 */
final class TimelineSvg {
  private static final int W = 1000;
  private static final int H = 180;
  private static final int TOP = 14;
  private static final int BOTTOM = 22;

  private TimelineSvg() {}

  static void write(StringBuilder b, Summary s) {
    Timeline t = s.timeline;
    long from = s.parameters.fromNs();
    long span = s.parameters.untilNs() - from;
    int n = t.buckets();
    long max = 1;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, t.approved[i] + t.unapproved[i]);
    }
    double plot = H - TOP - BOTTOM;
    b.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" width=\"100%\" role=\"img\" aria-label=\"changes per ")
        .append(EventTime.duration(t.bucketNs))
        .append("\">");
    for (Coverage.Span g : s.coverage.gaps()) {
      double x0 = W * (double) (g.startNs() - from) / span;
      double x1 = W * (double) (g.endNs() - from) / span;
      b.append(
          String.format(
              Numbers.DIGITS,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#e6e6e6\"><title>not watched %s to %s</title></rect>",
              x0,
              TOP,
              Math.max(0.5, x1 - x0),
              plot,
              EventTime.of(g.startNs()),
              EventTime.of(g.endNs())));
    }
    double bw = (double) W / n;
    for (int i = 0; i < n; i++) {
      double x = i * bw + bw * 0.1;
      double w = bw * 0.8;
      double ha = plot * t.approved[i] / max;
      double hu = plot * t.unapproved[i] / max;
      double base = H - BOTTOM;
      String when = EventTime.of(from + i * t.bucketNs);
      if (t.approved[i] > 0) {
        b.append(
            String.format(
                Numbers.DIGITS,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78b5\"><title>%s: %d approved</title></rect>",
                x,
                base - ha,
                w,
                ha,
                when,
                t.approved[i]));
      }
      if (t.unapproved[i] > 0) {
        b.append(
            String.format(
                Numbers.DIGITS,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c62828\"><title>%s: %d unapproved</title></rect>",
                x,
                base - ha - hu,
                w,
                hu,
                when,
                t.unapproved[i]));
      }
      if (t.overflows[i] > 0) {
        b.append(
            String.format(
                Numbers.DIGITS,
                "<polygon points=\"%.1f,2 %.1f,2 %.1f,12\" fill=\"#ef6c00\"><title>%s: %d overflow events</title></polygon>",
                x,
                x + w,
                x + w / 2,
                when,
                t.overflows[i]));
      }
    }
    b.append(
        String.format(
            Numbers.DIGITS,
            "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
            H - BOTTOM,
            W,
            H - BOTTOM));
    b.append("<text x=\"2\" y=\"")
        .append(H - 6)
        .append("\">")
        .append(EventTime.of(from))
        .append("</text>");
    b.append("<text x=\"")
        .append(W - 2)
        .append("\" y=\"")
        .append(H - 6)
        .append("\" text-anchor=\"end\">")
        .append(EventTime.of(s.parameters.untilNs()))
        .append("</text>");
    b.append("<text x=\"2\" y=\"")
        .append(TOP - 3)
        .append("\">max ")
        .append(max)
        .append(" per ")
        .append(EventTime.duration(t.bucketNs))
        .append("</text>");
    b.append("</svg>\n<p class=\"meta\">Bars: changes per ")
        .append(EventTime.duration(t.bucketNs))
        .append(
            " (blue approved, red unapproved); orange marks: events lost; grey bands: fim watch not running.</p>\n");
  }
}
