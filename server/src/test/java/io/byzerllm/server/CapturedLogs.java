package io.byzerllm.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this JVM (ours at DEBUG) while a class runs, message and stack traces as text,
 * so a test can assert a secret never reached a log. Register it before the node it watches.
 */
final class CapturedLogs implements BeforeAllCallback, AfterAllCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Logger ours;
  private Level rootLevel;
  private Level oursLevel;

  @Override
  public void beforeAll(ExtensionContext context) {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ours = logging.getLogger("io.byzerllm");
    rootLevel = root.getLevel();
    oursLevel = ours.getLevel();
    appender.setContext(logging);
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.INFO);
    ours.setLevel(Level.DEBUG);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(rootLevel);
    ours.setLevel(oursLevel);
  }

  /** Every captured message, formatted and raw, with its arguments and its exceptions' messages. */
  List<String> lines() {
    List<ILoggingEvent> events;
    synchronized (appender) { // the appender appends under its own lock
      events = List.copyOf(appender.list);
    }
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : events) {
      out.add(e.getFormattedMessage());
      out.add(String.valueOf(e.getMessage()));
      if (e.getArgumentArray() != null) {
        Arrays.stream(e.getArgumentArray()).map(String::valueOf).forEach(out::add);
      }
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        out.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    return out;
  }
}
