package dev.fim.cli;

import dev.fim.cli.report.ReportFormat;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --format} of the commands that print lines or one document: {@code text} or {@code json}
 * of the one {@link ReportFormat} ({@code fim report} alone adds csv and html). Also the option's
 * completion candidates, so help and errors list exactly these two, as they did when the option had
 * an enum of its own.
 */
final class TextOrJson implements ITypeConverter<ReportFormat>, Iterable<String> {
  private static final List<String> LABELS =
      List.of(ReportFormat.TEXT.label(), ReportFormat.JSON.label());

  @Override
  public ReportFormat convert(String value) {
    ReportFormat f = of(value);
    if (f == null) {
      throw new TypeConversionException(
          "expected one of " + LABELS + " (case-sensitive) but was '" + value + "'");
    }
    return f;
  }

  /** {@code text} or {@code json} as typed (case-sensitive), else null. */
  static ReportFormat of(String value) {
    return LABELS.contains(value) ? ReportFormat.ofLabel(value) : null;
  }

  @Override
  public Iterator<String> iterator() {
    return LABELS.iterator();
  }
}
