package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShellWordsTest {
  /** line, words, normalised (quote of each word). */
  static Stream<Arguments> lines() {
    return Stream.of(
        Arguments.of(
            "-w \"/folder with space\" -p wa",
            List.of("-w", "/folder with space", "-p", "wa"),
            "-w '/folder with space' -p wa"),
        Arguments.of(
            "-w '/folder with space'",
            List.of("-w", "/folder with space"),
            "-w '/folder with space'"),
        Arguments.of("  -F   dir='/a b'/c  ", List.of("-F", "dir=/a b/c"), "-F 'dir=/a b/c'"),
        Arguments.of("-k it\\'s", List.of("-k", "it's"), "-k \"it's\""),
        Arguments.of("-w '/new\nline'", List.of("-w", "/new\nline"), "-w '/new\nline'"),
        Arguments.of("-k \"a\\\"b\\\\c\"", List.of("-k", "a\"b\\c"), "-k 'a\"b\\c'"),
        Arguments.of("-k ''", List.of("-k", ""), "-k ''"),
        Arguments.of("", List.of(), ""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("lines")
  void splitsAndQuotes(String line, List<String> words, String normalised) {
    assertEquals(words, ShellWords.split(line));
    String joined = String.join(" ", words.stream().map(ShellWords::quote).toList());
    assertEquals(normalised, joined);
    assertEquals(words, ShellWords.split(joined), "quoting round-trips");
  }
}
