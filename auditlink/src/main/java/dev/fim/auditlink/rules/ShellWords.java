package dev.fim.auditlink.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a rules-file line into words and quotes words back. auditctl reads rule files with its own
 * splitter (not a shell): whitespace separates words, '…' and "…" group them and are removed
 * (go-libaudit's fixture 01-file-watch-spaces covers both), a backslash outside single quotes
 * escapes the next character.
 */
final class ShellWords {
  private ShellWords() {}

  /** The words of a line; throws IllegalArgumentException naming an unterminated quote. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < line.length() && line.charAt(end) != c) {
          if (c == '"'
              && line.charAt(end) == '\\'
              && end + 1 < line.length()
              && (line.charAt(end + 1) == '"' || line.charAt(end + 1) == '\\')) {
            end++;
          }
          word.append(line.charAt(end));
          end++;
        }
        if (end >= line.length()) {
          throw new IllegalArgumentException(
              "unterminated " + c + " quote starting at column " + (i + 1));
        }
        i = end;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** The word, quoted only if {@link #split} would otherwise not give it back unchanged. */
  static String quote(String word) {
    if (!word.isEmpty() && word.chars().noneMatch(ShellWords::needsQuote)) {
      return word;
    }
    if (word.indexOf('\'') < 0) {
      return "'" + word + "'";
    }
    return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static boolean needsQuote(int c) {
    return Character.isWhitespace(c)
        || c == '\''
        || c == '"'
        || c == '\\'
        || Character.isISOControl(c);
  }
}
