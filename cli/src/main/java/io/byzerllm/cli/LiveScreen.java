package io.byzerllm.cli;

import java.io.PrintWriter;

/**
 * A block of text redrawn in place on a terminal ({@code stat --interval}): each frame moves the
 * cursor back up over the last one and clears to the end of the screen (ANSI CSI F and J) before it
 * prints. Where output is piped the frames follow one another instead, each under a header line.
 */
final class LiveScreen {
  private static final String ESC = "\u001b[";
  private final PrintWriter out;
  private final boolean inPlace;
  private int linesShown;

  LiveScreen(PrintWriter out, boolean inPlace) {
    this.out = out;
    this.inPlace = inPlace;
  }

  /** Prints {@code frame} (whole lines, each ending in a newline), over the previous one on a terminal. */
  void draw(String header, String frame) {
    String text = header + System.lineSeparator() + frame;
    if (inPlace && linesShown > 0) {
      out.print(ESC + linesShown + "F" + ESC + "J");
    }
    out.print(text);
    out.flush();
    linesShown = (int) text.chars().filter(c -> c == '\n').count();
  }
}
