/** The {@code llm} command line: picocli commands over the client (and, for {@code llm server start}, the node). */
package io.byzerllm.cli;
