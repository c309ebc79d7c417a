package dev.fim.cli;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Reads, on a second thread, the annotations from which picocli will build the model of the
 * commands that run, while the main thread sets picocli itself up (its converters, usage and
 * interpolation specs: tens of ms of cold code before it reads its first annotation). Reading an
 * annotation the first time parses the class file's attribute and has the JDK generate a proxy
 * class for each annotation type ({@code @Command}, {@code @Option}, {@code @Retention}, …), which
 * Java 17's class-data archive cannot hold: about half of the main thread's CPU for the model of a
 * {@code fim check} (issue 18, session 10). The JDK caches what was parsed (per field, method and
 * class, and the proxy classes per type), so picocli on the main thread then finds it done.
 *
 * <p>Only fim's own annotated classes and picocli's help mixin are read, nothing from the command
 * line or the environment, and nothing is initialised. The warm-up decides nothing: whatever it
 * does not get to, or fails at, the main thread does itself as before, with the same result and
 * error.
 */
final class ModelWarmUp implements Runnable {
  /** The option mixin that {@code mixinStandardHelpOptions} adds (-h, -V) to every command. */
  private static final String HELP_MIXIN = "picocli.CommandLine$AutoHelpMixin";

  /** The kernel's load averages; the first is the last minute's. */
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private final List<Class<?>> commands;

  private ModelWarmUp(List<Class<?>> commands) {
    this.commands = commands;
  }

  /**
   * Starts reading the annotations of {@code commands} (and what they mix in) on a daemon thread,
   * when a core is likely to be free for it ({@link #spareCore}).
   */
  static void start(List<Class<?>> commands) {
    String load;
    try {
      load = new String(Files.readAllBytes(LOADAVG), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      load = "";
    }
    if (!spareCore(load, Runtime.getRuntime().availableProcessors())) {
      return;
    }
    Thread thread = new Thread(new ModelWarmUp(commands), "fim-model");
    thread.setDaemon(true); // never holds up the exit
    thread.start();
  }

  /**
   * Whether a second thread can run beside the main thread: the last minute's load average ({@code
   * /proc/loadavg}'s first field) below twice the number of {@code cpus}, or unknown. On a busy
   * machine the warm-up only takes turns with the main thread, which then waits for the JDK's locks
   * that the descheduled warm-up holds (an annotation being parsed, a proxy class being generated):
   * at load 14-16 on 2 cores, {@code fim --version} took longer with it (issue 18, session 10).
   */
  static boolean spareCore(String loadavg, int cpus) {
    int end = loadavg.indexOf(' ');
    try {
      return Double.parseDouble(end < 0 ? loadavg.strip() : loadavg.substring(0, end)) < 2.0 * cpus;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  @Override
  public void run() {
    try {
      read(commands);
    } catch (Throwable t) {
      // Nothing to do: the main thread reads the same annotations and meets the same failure.
    }
  }

  /**
   * Reads the annotations of {@code commands}, of picocli's help mixin and of what they declare
   * (see {@link #visit}); the classes read.
   */
  static Set<Class<?>> read(List<Class<?>> commands) throws ClassNotFoundException {
    Set<Class<?>> seen = new HashSet<>();
    Class<?> helpMixin = Class.forName(HELP_MIXIN, false, ModelWarmUp.class.getClassLoader());
    for (Class<?> c : commands) {
      visit(c, seen);
      visit(helpMixin, seen); // in the order picocli reads them: the root's options next
    }
    return seen;
  }

  /**
   * What picocli reads of {@code c}: its annotations, its fields' and methods' (and those of its
   * superclasses, up to {@code Object}'s), and the same of each mixin, argument group and
   * subcommand it declares.
   */
  private static void visit(Class<?> c, Set<Class<?>> seen) {
    if (c == null || !seen.add(c)) {
      return;
    }
    Command command = c.getAnnotation(Command.class);
    for (Field f : c.getDeclaredFields()) {
      f.getDeclaredAnnotations();
      if (f.isAnnotationPresent(Mixin.class) || f.isAnnotationPresent(ArgGroup.class)) {
        visit(f.getType(), seen);
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      m.getDeclaredAnnotations();
    }
    visit(c.getSuperclass(), seen);
    if (command != null) {
      for (Class<?> sub : command.subcommands()) {
        visit(sub, seen);
      }
    }
  }
}
