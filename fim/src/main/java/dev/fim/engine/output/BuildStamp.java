package dev.fim.engine.output;

/**
 * The build's facts for {@link BuildInfo}, compiled in: fim/pom.xml copies this source with the
 * placeholders below replaced by the version, the commit and the build time and compiles it over
 * this class, after the module's own compile. Read from a class the class-data archive holds, not
 * from a resource: looking a resource up opened the JDK's module image and the class path's jars
 * one by one until fim-engine's (~5-10 ms of every command that names the build; issue 18, session
 * 16). Unreplaced (an IDE's class path that did not run the build), the placeholders make {@link
 * BuildInfo} say {@code unknown}.
 *
 * <p>Methods, not constants: javac copies a constant's value into the classes that use it, and
 * {@link BuildInfo} is not compiled again when only this class is.
 */
final class BuildStamp {
  private BuildStamp() {}

  static String version() {
    return "${project.version}";
  }

  static String commit() {
    return "${fim.commit}";
  }

  static String built() {
    return "${fim.built}";
  }
}
